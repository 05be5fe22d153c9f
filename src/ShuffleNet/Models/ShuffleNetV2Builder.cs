using ShuffleNet.Checkpoints;
using ShuffleNet.Platform;

namespace ShuffleNet.Models;

/// <summary>Builds ShuffleNet V2 classifiers, fresh or from checkpoints.</summary>
public static class ShuffleNetV2Builder
{
    /// <summary>A freshly initialised classifier (mmpretrain's init).</summary>
    public static ImageClassifier Create(Width width = Width.X1_0, int numClasses = 1000, StemOptions? stem = null,
        int frozenStages = -1, bool normEval = false)
    {
        TorchRuntime.EnsureLoaded();
        return new ImageClassifier(new ShuffleNetV2(width, frozenStages: frozenStages, normEval: normEval, stem: stem), numClasses);
    }

    /// <summary>
    /// Loads a checkpoint file (mmpretrain or torchvision layout, zip or legacy format) into a classifier in eval mode.
    /// The width and class count come from the tensors unless <paramref name="width"/> is given, in which case it must match.
    /// </summary>
    /// <exception cref="CheckpointException">The file is missing, unreadable or not this architecture; the message says which and why.</exception>
    public static ImageClassifier FromCheckpoint(string path, Width? width = null, StemOptions? stem = null)
    {
        var checkpoint = CheckpointFile.Load(path);
        var (w, numClasses) = LayoutCheck.Validate(checkpoint.StateDict, path, width);
        if (numClasses is null)
            throw new CheckpointException($"checkpoint '{path}' holds a backbone without a classification head (no 'head.fc.weight'); " +
                                          "predicting needs a classifier checkpoint");
        stem ??= StemOptions.ImageNet;
        var model = Create(w, numClasses.Value, stem);
        Weights.Load(model, checkpoint.StateDict, path);
        model.Classes = checkpoint.Classes;
        model.eval();
        return model;
    }
}
