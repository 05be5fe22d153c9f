using ShuffleNet.Checkpoints;
using ShuffleNet.Models;

namespace ShuffleNet.Training;

/// <summary>
/// Builds the classifier a checkpoint holds, stem included: this trainer writes <c>meta.stem</c>
/// (<c>{'in_channels', 'stride', 'max_pool'}</c>) because a Fashion-MNIST model's <c>conv1</c> is not the ImageNet one.
/// Files without it get the ImageNet stem, or the peer's small-image stem when <c>conv1</c> takes one channel.
/// </summary>
public static class CheckpointModel
{
    /// <summary>The model in eval mode, with <see cref="ImageClassifier.Classes"/> from the file, and the file's contents.</summary>
    /// <exception cref="CheckpointException">The file is missing, unreadable, not ShuffleNet V2, or has no head.</exception>
    public static (ImageClassifier Model, Checkpoint Checkpoint) Load(string path)
    {
        var ckpt = CheckpointFile.Load(path);
        var width = ShuffleNetV2Layout.InferWidth(ckpt.StateDict)
            ?? throw new CheckpointException($"checkpoint '{path}' is not a ShuffleNet V2 (no stage-2 weights of a known width)");
        var numClasses = ShuffleNetV2Layout.InferNumClasses(ckpt.StateDict)
            ?? throw new CheckpointException($"checkpoint '{path}' has no classification head (no 'head.fc.weight')");
        var model = ShuffleNetV2Builder.Create(width, numClasses, StemOptions.FromCheckpoint(ckpt));
        Weights.Load(model, ckpt.StateDict, path);
        model.Classes = ckpt.Classes;
        model.eval();
        return (model, ckpt);
    }

    /// <summary>The meta entry <see cref="StemOptions.FromCheckpoint"/> reads.</summary>
    public static OrderedDictionary<object, object?> StemMeta(StemOptions stem) =>
        new() { ["in_channels"] = (long)stem.InChannels, ["stride"] = (long)stem.Stride, ["max_pool"] = stem.MaxPool };
}
