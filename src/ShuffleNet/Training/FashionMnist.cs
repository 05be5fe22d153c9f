using System.Buffers.Binary;
using System.IO.Compression;
using ShuffleNet.Vision.Transforms;

namespace ShuffleNet.Training;

/// <summary>
/// Reads Fashion-MNIST's IDX files (<c>train-images-idx3-ubyte.gz</c>, <c>t10k-labels-idx1-ubyte.gz</c>, ...; gzipped or not)
/// into an <see cref="InMemorySource"/> with the peer's preprocessing: <c>(x/255 - 0.2860)/0.3530</c>, and for training
/// pad 2 + per-sample random 28x28 crop + horizontal flip.
/// </summary>
public static class FashionMnist
{
    /// <summary>Debian's <c>dataset-fashion-mnist</c> package puts the files here.</summary>
    public const string DefaultRoot = "/usr/share/datasets/fashion-mnist";

    /// <summary>Mean and std of the training pixels on a 0-1 scale (the peer's and torchvision tutorials' values).</summary>
    public const float Mean = 0.2860f, Std = 0.3530f;

    /// <summary>The ten classes in label order.</summary>
    public static readonly IReadOnlyList<string> Classes =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>The training (60,000) or test (10,000) split as a batch source.</summary>
    /// <exception cref="TrainingException">The folder or a file is missing or malformed; the message says how to install it.</exception>
    public static InMemorySource Load(string root, bool train, int batchSize, int seed, int pad = 2, bool flip = true, double randomErasing = 0)
    {
        var split = train ? "train" : "t10k";
        var images = ReadIdx(Find(root, $"{split}-images-idx3-ubyte"), 3, out var dims);
        var labels = ReadIdx(Find(root, $"{split}-labels-idx1-ubyte"), 1, out var count);
        if (dims[0] != count[0])
            throw new TrainingException($"Fashion-MNIST in '{root}': {dims[0]} {split} images but {count[0]} labels");
        return new InMemorySource(images, [.. labels.Select(b => (long)b)], [1, dims[1], dims[2]], Classes, Mean, Std, batchSize,
            train ? new Augment(pad, flip, seed, randomErasing > 0 ? new RandomErasing(randomErasing) : null) : null);
    }

    private static string Find(string root, string name)
    {
        if (!Directory.Exists(root))
            throw new TrainingException($"Fashion-MNIST folder '{root}' does not exist; install it with 'apt-get install dataset-fashion-mnist' " +
                                        $"(files in {DefaultRoot}) or pass --data FOLDER");
        foreach (var candidate in new[] { name + ".gz", name })
            if (File.Exists(Path.Combine(root, candidate))) return Path.Combine(root, candidate);
        throw new TrainingException($"Fashion-MNIST folder '{root}' has no '{name}.gz'; install the data with " +
                                    "'apt-get install dataset-fashion-mnist' or pass --data FOLDER");
    }

    private static byte[] ReadIdx(string path, int rank, out int[] dims)
    {
        using var file = File.OpenRead(path);
        using Stream s = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        var bytes = ms.GetBuffer().AsSpan(0, (int)ms.Length);
        // IDX: 0x00 0x00, type 0x08 (unsigned byte), rank, then rank big-endian int32 sizes
        if (bytes.Length < 4 + 4 * rank || bytes[0] != 0 || bytes[1] != 0 || bytes[2] != 8 || bytes[3] != rank)
            throw new TrainingException($"'{path}' is not an IDX file of unsigned bytes with {rank} dimensions");
        dims = new int[rank];
        long total = 1;
        for (int i = 0; i < rank; i++) total *= dims[i] = BinaryPrimitives.ReadInt32BigEndian(bytes[(4 + 4 * i)..]);
        int offset = 4 + 4 * rank;
        if (bytes.Length - offset != total) throw new TrainingException($"'{path}' is truncated: {bytes.Length - offset} bytes of data, {total} expected");
        return bytes[offset..].ToArray();
    }
}
