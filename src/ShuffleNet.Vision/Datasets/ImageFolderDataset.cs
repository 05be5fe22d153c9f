using ShuffleNet.Vision.Decoding;

namespace ShuffleNet.Vision.Datasets;

/// <summary>
/// An ImageNet-style folder, as torchvision's <c>ImageFolder</c> and mmcls's folder mode read it:
/// <c>root/&lt;class&gt;/**/&lt;image&gt;</c>, classes are the sub-folder names sorted ordinally (label = position),
/// files are found recursively, sorted ordinally, and filtered by extension (case-insensitive).
/// </summary>
public sealed class ImageFolderDataset : IEncodedImageDataset
{
    /// <summary>Extensions SkiaSharp decodes.</summary>
    public static readonly IReadOnlyList<string> DefaultExtensions = [".jpg", ".jpeg", ".png", ".bmp", ".webp", ".gif"];

    private readonly string[] _files;
    private readonly int[] _labels;
    private readonly ImageDecoder _decoder;

    /// <summary>Scans <paramref name="root"/>.</summary>
    /// <exception cref="DatasetException">The folder is missing, has no class folders, or a class folder has no images.</exception>
    public ImageFolderDataset(string root, IReadOnlyList<string>? extensions = null, ImageDecoder? decoder = null)
    {
        Root = root;
        _decoder = decoder ?? ImageDecoder.Default;
        var exts = new HashSet<string>(extensions ?? DefaultExtensions, StringComparer.OrdinalIgnoreCase);
        if (!Directory.Exists(root)) throw new DatasetException(root, "folder not found");
        var classes = Directory.GetDirectories(root).Select(Path.GetFileName).Cast<string>().Order(StringComparer.Ordinal).ToArray();
        if (classes.Length == 0)
            throw new DatasetException(root, "has no class sub-folders; expected root/<class>/<image> (ImageNet layout)");
        var files = new List<string>();
        var labels = new List<int>();
        for (int c = 0; c < classes.Length; c++)
        {
            var found = Directory.EnumerateFiles(Path.Combine(root, classes[c]), "*", SearchOption.AllDirectories)
                .Where(f => exts.Contains(Path.GetExtension(f))).Order(StringComparer.Ordinal).ToList();
            if (found.Count == 0)
                throw new DatasetException(Path.Combine(root, classes[c]),
                    $"class folder holds no images with extensions {string.Join(" ", exts.Order())}");
            files.AddRange(found);
            labels.AddRange(Enumerable.Repeat(c, found.Count));
        }
        Classes = classes;
        _files = files.ToArray();
        _labels = labels.ToArray();
    }

    /// <summary>The scanned folder.</summary>
    public string Root { get; }

    /// <inheritdoc/>
    public int Count => _files.Length;

    /// <inheritdoc/>
    public int NumClasses => Classes.Count;

    /// <inheritdoc/>
    public IReadOnlyList<string> Classes { get; }

    /// <inheritdoc/>
    public int GetLabel(int index) => _labels[index];

    /// <inheritdoc/>
    public string Describe(int index) => _files[index];

    /// <inheritdoc/>
    public ImageU8 Load(int index) => _decoder.Decode(_files[index]);

    /// <inheritdoc/>
    public ImageDecoder Decoder => _decoder;

    /// <inheritdoc/>
    public byte[] ReadEncoded(int index) => EncodedFile.Read(_files[index]);
}
