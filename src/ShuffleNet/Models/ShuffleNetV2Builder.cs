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
        return new ImageClassifier(new ShuffleNetV2(width, frozenStages: frozenStages, normEval: normEval, stem: stem),
            numClasses);
    }

    /// <summary>
    /// Loads a checkpoint file (mmpretrain or torchvision layout, zip or legacy format) into a classifier in eval mode.
    /// The width and class count come from the tensors unless <paramref name="width"/> is given, in which case it must
    /// match; the stem from the file (see <see cref="StemOptions.FromCheckpoint"/>).
    /// </summary>
    /// <exception cref="CheckpointException">The file is missing, unreadable or not this architecture; the message says
    /// which and why.</exception>
    public static ImageClassifier FromCheckpoint(string path,
        Width? width = null) => FromCheckpoint(CheckpointFile.Load(path), path, width);

    /// <summary>
    /// Builds the classifier <paramref name="checkpoint"/> (read from <paramref name="source"/>) holds, in eval mode.
    /// </summary>
    /// <exception cref="CheckpointException">Not this architecture, no head, or an unknown stem.</exception>
    public static ImageClassifier FromCheckpoint(Checkpoint checkpoint, string source, Width? width = null)
    {
        var (w, numClasses) = LayoutCheck.Validate(checkpoint.StateDict, source, width);
        if (numClasses is null)
            throw new CheckpointException($"checkpoint '{source}' holds a backbone without a classification head (no " +
                "'head.fc.weight'); " +
                                          "predicting needs a classifier checkpoint");
        var model = Create(w, numClasses.Value, StemOptions.FromCheckpoint(checkpoint, source));
        Weights.Load(model, checkpoint.StateDict, source);
        model.Classes = checkpoint.Classes;
        model.eval();
        return model;
    }
}
