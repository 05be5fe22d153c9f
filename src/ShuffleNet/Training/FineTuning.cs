using ShuffleNet.Checkpoints;
using ShuffleNet.Models;

namespace ShuffleNet.Training;

/// <summary>
/// mmengine's <c>load_from</c>: start training from a checkpoint's weights (not its optimizer or position).
/// </summary>
public static class FineTuning
{
    /// <summary>
    /// Loads <paramref name="path"/> into <paramref name="model"/>. A head of another size is left as initialised
    /// (mmpretrain fine-tuning: new <c>num_classes</c>) and the listener is told; the backbone must match width and
    /// stem.
    /// </summary>
    /// <exception cref="CheckpointException">Unreadable, another width, or a backbone that does not fit.</exception>
    public static void LoadPretrained(ImageClassifier model, string path, ITrainListener listener)
    {
        var ckpt = CheckpointFile.Load(path);
        var width = ShuffleNetV2Layout.InferWidth(ckpt.StateDict);
        if (width != model.Width)
            throw new CheckpointException($"model.load_from '{path}' holds " +
                $"{(width is { } w ? "ShuffleNetV2 " + ShuffleNetV2Layout.Name(w) : "no ShuffleNet V2")}; " +
                                          $"model.width is {ShuffleNetV2Layout.Name(model.Width)}");
        var numClasses = ShuffleNetV2Layout.InferNumClasses(ckpt.StateDict);
        if (numClasses == model.NumClasses)
        {
            Weights.Load(model, ckpt.StateDict, path);
            listener.Note($"loaded '{path}' (backbone and {numClasses}-class head)");
            return;
        }
        var backbone = new StateDict();
        foreach (var (k, v) in ckpt.StateDict)
            if (k.StartsWith("backbone.", StringComparison.Ordinal)) backbone[k["backbone.".Length..]] = v;
        Weights.Load(model.Backbone, backbone, path);
        listener.Note(numClasses is null
            ? $"loaded the backbone of '{path}'; the head ({model.NumClasses} classes) is freshly initialised"
            : $"head re-initialised: '{path}' has a head of {numClasses} classes and model.num_classes is " +
                $"{model.NumClasses}; loaded its backbone only");
    }
}
