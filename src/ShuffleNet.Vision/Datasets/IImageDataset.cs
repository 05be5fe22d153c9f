using ShuffleNet.Vision.Decoding;
using ShuffleNet.Vision.Transforms;

namespace ShuffleNet.Vision.Datasets;

/// <summary>
/// Labelled images addressed by index. Cheap to index (labels and paths are in memory); <see cref="Load"/> does
/// the I/O and decoding and is thread-safe, so a loader calls it lazily on its worker threads.
/// </summary>
public interface IImageDataset
{
    /// <summary>Number of samples.</summary>
    int Count { get; }

    /// <summary>Number of classes; labels are 0 .. NumClasses - 1.</summary>
    int NumClasses { get; }

    /// <summary>Class names in label order.</summary>
    IReadOnlyList<string> Classes { get; }

    /// <summary>The label of sample <paramref name="index"/>, without loading it.</summary>
    int GetLabel(int index);

    /// <summary>
    /// Where sample <paramref name="index"/> comes from (a file path, or <c>train[17]</c>), for messages.
    /// </summary>
    string Describe(int index);

    /// <summary>Reads and decodes sample <paramref name="index"/>; the caller owns (disposes) the image.</summary>
    /// <exception cref="ImageDecodeException">The sample's file is unreadable or not a valid image.</exception>
    ImageU8 Load(int index);
}

/// <summary>
/// A dataset of encoded image files: the loader reads the bytes and lets the pipeline decode them, so a training
/// pipeline can decode only its random crop (<see cref="Transforms.Pipeline.RegionDecode"/>).
/// </summary>
public interface IEncodedImageDataset : IImageDataset
{
    /// <summary>The decoder (and its limits) this dataset uses.</summary>
    ImageDecoder Decoder { get; }

    /// <summary>The encoded bytes of sample <paramref name="index"/>.</summary>
    /// <exception cref="ImageDecodeException">The file cannot be read.</exception>
    byte[] ReadEncoded(int index);
}

/// <summary>A dataset's contents are missing or malformed; the message names the path (and line) at fault.</summary>
public sealed class DatasetException(string path, string problem)
    : Exception($"dataset '{path}': {problem}")
{
    /// <summary>The folder or file at fault.</summary>
    public string Path { get; } = path;
}
