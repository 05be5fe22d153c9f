namespace ShuffleNet.Checkpoints;

/// <summary>
/// Stem of the backbone: what <c>conv1</c> takes and how the stem downsamples. The paper's (and every published
/// checkpoint's) stem is 3 channels, stride 2, max-pool. For 28x28 images (Fashion-MNIST) <see cref="SmallImages"/>
/// uses 1 channel, stride 1 and no max-pool, so the feature map entering stage 2 is 28x28 instead of 7x7 — the same
/// adaptation as the PyTorch peer. Stride and pooling hold no weights, so a checkpoint records them in
/// <c>meta.stem</c>; the model, the ONNX export and the preprocessing all read them from there
/// (<see cref="FromCheckpoint"/>).
/// </summary>
/// <param name="InChannels">Image channels: 3 (RGB) or 1 (grayscale).</param>
/// <param name="Stride">Stride of <c>conv1</c>: 2 or 1.</param>
/// <param name="MaxPool">Whether the 3x3 stride-2 max-pool follows <c>conv1</c>.</param>
/// <remarks>The defaults are the paper's stem; a training config's <c>model.stem</c> section binds to this
/// record.</remarks>
public sealed record StemOptions(int InChannels = 3, int Stride = 2, bool MaxPool = true)
{
    /// <summary>RGB, stride 2, max-pool: the paper's stem.</summary>
    public static readonly StemOptions ImageNet = new(3, 2, true);

    /// <summary>Grayscale 28x28: 1 channel, stride 1, no max-pool.</summary>
    public static readonly StemOptions SmallImages = new(1, 1, false);

    /// <summary>
    /// The input height and width images of this stem's channel count get here: 28 for grayscale (Fashion-MNIST's
    /// size, what <c>Presets.FashionMnistPredict</c> makes), 224 for RGB (the mmcls test pipeline's crop).
    /// </summary>
    public int ImageSize => ImageSizeFor(InChannels);

    /// <summary><see cref="ImageSize"/> for a model that takes <paramref name="inChannels"/>-channel images.</summary>
    public static int ImageSizeFor(int inChannels) => inChannels == 1 ? 28 : 224;

    /// <summary>
    /// The <c>meta.stem</c> entry checkpoints of this project carry: <c>{'in_channels', 'stride', 'max_pool'}</c>.
    /// </summary>
    public OrderedDictionary<object, object?> ToMeta() =>
        new() { ["in_channels"] = (long)InChannels, ["stride"] = (long)Stride, ["max_pool"] = MaxPool };

    /// <summary>
    /// The stem <paramref name="checkpoint"/> was trained with: its <c>meta.stem</c> (which must agree with the
    /// channels of <c>conv1</c>'s weight); without one, the paper's stem for an RGB file (torchvision's and
    /// mmpretrain's files carry no meta.stem, and all use it). A grayscale file without <c>meta.stem</c> is refused:
    /// its stride and pooling cannot be known, and guessing wrong gives wrong answers silently.
    /// </summary>
    /// <param name="checkpoint">The checkpoint.</param>
    /// <param name="source">The file (or other origin) to name in messages.</param>
    /// <exception cref="CheckpointException">No <c>conv1</c> weight, a malformed <c>meta.stem</c>, one that contradicts
    /// the weights, or a grayscale file without one.</exception>
    public static StemOptions FromCheckpoint(Checkpoint checkpoint, string source)
    {
        int channels = ShuffleNetV2Layout.InferInChannels(checkpoint.StateDict) ?? throw new CheckpointException(
            $"checkpoint '{source}' has no 'backbone.conv1.conv.weight' [24, C, 3, 3], so its stem is unknown");
        if (checkpoint.Meta.TryGetValue("stem", out var meta))
        {
            var stem = Parse(meta) ?? throw new CheckpointException(
                $"checkpoint '{source}' has a malformed meta.stem; expected {{'in_channels': 1|3, 'stride': 1|2, " +
                "'max_pool': True|False}, as `shufflenet train` writes it");
            if (stem.InChannels != channels)
                throw new CheckpointException($"checkpoint '{source}' says meta.stem.in_channels = " +
                                              $"{stem.InChannels}, but its conv1 weight takes {channels} channels");
            return stem;
        }
        return channels switch
        {
            3 => ImageNet,
            1 => throw new CheckpointException(
                $"checkpoint '{source}' takes 1-channel images but has no meta.stem saying conv1's stride and " +
                "whether a max-pool follows (checkpoints `shufflenet train` writes have it); add meta['stem'] = " +
                "{'in_channels': 1, 'stride': 1 or 2, 'max_pool': True or False} as it was trained"),
            _ => throw new CheckpointException(
                $"checkpoint '{source}' takes {channels}-channel images; ShuffleNet V2 here takes 3 (RGB) or 1 " +
                "(grayscale)"),
        };
    }

    private static StemOptions? Parse(object? meta) =>
        meta is OrderedDictionary<object, object?> s && s.GetValueOrDefault("in_channels") is long c and (1 or 3) &&
        s.GetValueOrDefault("stride") is long stride and (1 or 2) && s.GetValueOrDefault("max_pool") is bool pool
            ? new StemOptions((int)c, (int)stride, pool)
            : null;
}
