using System.Buffers.Binary;
using System.IO.Compression;
using ShuffleNet.Vision.Decoding;

namespace ShuffleNet.Vision.Datasets;

/// <summary>
/// MNIST-style IDX files (gzipped or not): images <c>0x00000803</c> [N, H, W] uint8 and labels <c>0x00000801</c> [N]
/// uint8, held in memory; samples are 1-channel <see cref="ImageU8"/>.
/// </summary>
public sealed class IdxDataset : IImageDataset
{
    private readonly byte[] _pixels;
    private readonly byte[] _labels;
    private readonly string _name;

    /// <summary>The ten Fashion-MNIST classes, in label order.</summary>
    public static readonly IReadOnlyList<string> FashionMnistClasses =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package puts the files.</summary>
    public const string FashionMnistDefaultDir = "/usr/share/datasets/fashion-mnist";

    /// <summary>Reads an image file and a label file.</summary>
    /// <exception cref="DatasetException">A file is missing, has the wrong magic number, or the counts or labels
    /// disagree.</exception>
    public IdxDataset(string imagesPath, string labelsPath, IReadOnlyList<string> classes)
    {
        var img = Read(imagesPath);
        var lab = Read(labelsPath);
        if (img.Length < 16 || BinaryPrimitives.ReadInt32BigEndian(img) != 0x803)
            throw new DatasetException(imagesPath, "not an IDX image file (expected magic 0x00000803: uint8, 3 " +
                "dimensions)");
        if (lab.Length < 8 || BinaryPrimitives.ReadInt32BigEndian(lab) != 0x801)
            throw new DatasetException(labelsPath, "not an IDX label file (expected magic 0x00000801: uint8, 1 " +
                "dimension)");
        int n = BinaryPrimitives.ReadInt32BigEndian(img.AsSpan(4)),
            h = BinaryPrimitives.ReadInt32BigEndian(img.AsSpan(8));
        int w = BinaryPrimitives.ReadInt32BigEndian(img.AsSpan(12)),
            nl = BinaryPrimitives.ReadInt32BigEndian(lab.AsSpan(4));
        if (img.Length != 16 + (long)n * h * w) throw new DatasetException(imagesPath,
            $"header says {n}x{h}x{w} but the file holds {img.Length - 16} pixel bytes");
        if (lab.Length != 8 + nl || nl != n) throw new DatasetException(labelsPath,
            $"{nl} labels (file holds {lab.Length - 8}) for {n} images in '{imagesPath}'");
        _pixels = img[16..];
        _labels = lab[8..];
        int bad = Array.FindIndex(_labels, l => l >= classes.Count);
        if (bad >= 0) throw new DatasetException(labelsPath,
            $"label {_labels[bad]} of sample {bad} is out of range for {classes.Count} classes");
        Classes = classes; Height = h; Width = w;
        _name = Path.GetFileName(imagesPath);
    }

    /// <summary>
    /// Fashion-MNIST's train (60,000) or test (10,000) split from <paramref name="dir"/> (<c>.gz</c> or plain).
    /// </summary>
    public static IdxDataset FashionMnist(bool train, string dir = FashionMnistDefaultDir)
    {
        string prefix = train ? "train" : "t10k";
        return new IdxDataset(Find(dir, $"{prefix}-images-idx3-ubyte"), Find(dir, $"{prefix}-labels-idx1-ubyte"),
            FashionMnistClasses);
    }

    /// <summary>Image height.</summary>
    public int Height { get; }

    /// <summary>Image width.</summary>
    public int Width { get; }

    /// <inheritdoc/>
    public int Count => _labels.Length;

    /// <inheritdoc/>
    public int NumClasses => Classes.Count;

    /// <inheritdoc/>
    public IReadOnlyList<string> Classes { get; }

    /// <inheritdoc/>
    public int GetLabel(int index) => _labels[index];

    /// <inheritdoc/>
    public string Describe(int index) => $"{_name}[{index}]";

    /// <inheritdoc/>
    public ImageU8 Load(int index)
    {
        var image = ImageU8.Rent(Width, Height, 1);
        _pixels.AsSpan(index * Width * Height, Width * Height).CopyTo(image.Pixels);
        return image;
    }

    private static string Find(string dir, string stem)
    {
        foreach (var candidate in new[] { stem + ".gz", stem })
            if (File.Exists(Path.Combine(dir, candidate))) return Path.Combine(dir, candidate);
        throw new DatasetException(dir, $"neither {stem}.gz nor {stem} found (Debian: apt-get install " +
            "dataset-fashion-mnist)");
    }

    private static byte[] Read(string path)
    {
        if (!File.Exists(path)) throw new DatasetException(path, "file not found");
        using var file = File.OpenRead(path);
        bool gz = file.ReadByte() == 0x1f & file.ReadByte() == 0x8b;
        file.Position = 0;
        using var input = gz ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
        using var buffer = new MemoryStream();
        try { input.CopyTo(buffer); }
        catch (InvalidDataException e) { throw new DatasetException(path, $"damaged gzip data: {e.Message}"); }
        return buffer.ToArray();
    }
}
