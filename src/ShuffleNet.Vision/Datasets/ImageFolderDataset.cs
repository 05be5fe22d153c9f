using ShuffleNet.Vision.Decoding;

namespace ShuffleNet.Vision.Datasets;

/// <summary>
/// An ImageNet-style folder, as torchvision's <c>ImageFolder</c> and mmcls's folder mode read it:
/// <c>root/&lt;class&gt;/**/&lt;image&gt;</c>, classes are the sub-folder names sorted ordinally (label = position),
/// files are found recursively, sorted ordinally, and filtered by extension (case-insensitive).
/// </summary>
public sealed class ImageFolderDataset : FileListDataset
{
    /// <summary>Extensions SkiaSharp decodes.</summary>
    public static readonly IReadOnlyList<string> DefaultExtensions = [".jpg", ".jpeg", ".png", ".bmp", ".webp", ".gif"];

    /// <summary>Scans <paramref name="root"/>.</summary>
    /// <exception cref="DatasetException">The folder is missing, has no class folders, or a class folder has no
    /// images.</exception>
    public ImageFolderDataset(string root, IReadOnlyList<string>? extensions = null, ImageDecoder? decoder = null)
        : base(Scan(root, extensions ?? DefaultExtensions), decoder) => Root = root;

    private static FileList Scan(string root, IReadOnlyList<string> extensions)
    {
        var exts = new HashSet<string>(extensions, StringComparer.OrdinalIgnoreCase);
        if (!Directory.Exists(root)) throw new DatasetException(root, "folder not found");
        var classes = Directory.GetDirectories(root).Select(Path.GetFileName).Cast<string>()
            .Order(StringComparer.Ordinal).ToArray();
        if (classes.Length == 0)
            throw new DatasetException(root, "has no class sub-folders; expected root/<class>/<image> (ImageNet " +
                "layout)");
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
        return new FileList(files.ToArray(), labels.ToArray(), classes);
    }

    /// <summary>The scanned folder.</summary>
    public string Root { get; }
}
