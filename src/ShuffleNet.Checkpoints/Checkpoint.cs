namespace ShuffleNet.Checkpoints;

/// <summary>Key layout of a ShuffleNet V2 checkpoint file.</summary>
public enum CheckpointLayout
{
    /// <summary>
    /// mmcls/mmpretrain: <c>{'meta': {..., 'CLASSES': [...]}, 'state_dict': {'backbone.conv1.conv.weight': ...}}</c>.
    /// </summary>
    Mmpretrain,
    /// <summary>
    /// torchvision: a plain state dict with keys <c>conv1.0.weight</c>, <c>stage2.0.branch1.0.weight</c>, ...,
    /// <c>fc.bias</c>.
    /// </summary>
    Torchvision,
}

/// <summary>
/// A ShuffleNet V2 checkpoint as this project uses it: weights under mmpretrain's key names, the class names when the
/// file has them, and the rest of the file's <c>meta</c> dict.
/// </summary>
/// <param name="StateDict">Parameters and buffers under mmpretrain keys (<c>backbone.conv1.conv.weight</c> ...
/// <c>head.fc.bias</c>).</param>
/// <param name="Classes">Class names in index order (<c>meta.CLASSES</c> or <c>meta.dataset_meta.classes</c>), or
/// null.</param>
/// <param name="Meta">The file's <c>meta</c> dict (Python values as <see cref="TorchFile"/> maps them); empty when it
/// has none.</param>
public sealed record Checkpoint(StateDict StateDict, IReadOnlyList<string>? Classes,
    IReadOnlyDictionary<string, object?> Meta)
{
    /// <summary>
    /// The layout the file was read from; <see cref="CheckpointLayout.Mmpretrain"/> for checkpoints built in code.
    /// </summary>
    public CheckpointLayout SourceLayout { get; init; } = CheckpointLayout.Mmpretrain;

    /// <summary>A checkpoint of <paramref name="stateDict"/> with no class names and an empty meta.</summary>
    public static Checkpoint FromStateDict(StateDict stateDict) => new(stateDict, null,
        new Dictionary<string, object?>());
}
