using ShuffleNet.Vision.Decoding;

namespace ShuffleNet.Vision.Datasets;

/// <summary>Files, their labels and the class names: what a folder scan or an annotation file yields.</summary>
/// <param name="Files">Image paths, in dataset order.</param>
/// <param name="Labels">Label of each file.</param>
/// <param name="Classes">Class names, index = label.</param>
public sealed record FileList(string[] Files, int[] Labels, IReadOnlyList<string> Classes);

/// <summary>A dataset of image files on disk with integer labels, decoded lazily (in the loader's workers).</summary>
public abstract class FileListDataset : IEncodedImageDataset
{
    private readonly string[] _files;
    private readonly int[] _labels;

    /// <summary>
    /// Wraps a validated <paramref name="list"/>; <paramref name="decoder"/> defaults to
    /// <see cref="ImageDecoder.Default"/>.
    /// </summary>
    protected FileListDataset(FileList list, ImageDecoder? decoder)
    {
        _files = list.Files;
        _labels = list.Labels;
        Classes = list.Classes;
        Decoder = decoder ?? ImageDecoder.Default;
    }

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
    public ImageU8 Load(int index) => Decoder.Decode(_files[index]);

    /// <inheritdoc/>
    public ImageDecoder Decoder { get; }

    /// <inheritdoc/>
    public byte[] ReadEncoded(int index) => ImageDecoder.ReadFile(_files[index]);
}
