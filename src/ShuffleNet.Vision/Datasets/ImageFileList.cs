using ShuffleNet.Vision.Decoding;

namespace ShuffleNet.Vision.Datasets;

/// <summary>
/// Image files without labels, in the order given: what <c>shufflenet predict</c> classifies. Every label is 0 (one
/// class, "unlabelled"); files are not checked here, so a missing or damaged one fails when it is loaded and a loader
/// under <see cref="Loading.CorruptImagePolicy.Skip"/> reports it by name.
/// </summary>
public sealed class ImageFileList(IReadOnlyList<string> files, ImageDecoder? decoder = null)
    : FileListDataset(new FileList([.. files], new int[files.Count], ["unlabelled"]), decoder);
