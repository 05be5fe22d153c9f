using ShuffleNet.Checkpoints;
using ShuffleNet.Models;

namespace ShuffleNet.Training;

/// <summary>Where a run stands: completed epochs, global iterations done, and the best validation so far.</summary>
/// <param name="Epoch">Completed epochs (mmengine's <c>meta.epoch</c>).</param>
/// <param name="Iter">Iterations done since the start of the run (<c>meta.iter</c>); may be mid-epoch after Ctrl+C.</param>
/// <param name="BestTop1">Best validation top-1 so far, percent (-1 before any).</param>
public sealed record TrainPosition(int Epoch, long Iter, double BestTop1)
{
    /// <summary>
    /// Lines <c>log.json</c> had when the checkpoint was written (<c>meta.log_lines</c>); null when it does not say.
    /// </summary>
    public long? LogLines { get; init; }
}

/// <summary>
/// Training checkpoints as mmengine writes them: <c>{'meta': {...}, 'state_dict': OrderedDict, 'optimizer': {'state':
/// {i: {'momentum_buffer': T}}, 'param_groups': [...]}}</c>, so <c>CheckpointFile.Load</c>, mmpretrain and
/// <c>torch.load</c> all read them. <see cref="CheckpointFile.Save"/> writes only meta and state dict, so the full
/// file goes through <see cref="TorchFile.Save"/> (also atomic); model-only files (<c>best.pth</c>) go through
/// <see cref="CheckpointFile.Save"/>. Besides the position, <c>meta</c> holds the seed (all randomness of the data
/// derives from it), the config, the stem, <c>iters_per_epoch</c> and <c>log_lines</c> (how many lines
/// <c>log.json</c> had, so a resume drops the lines written after the checkpoint).
/// </summary>
public static class TrainingCheckpoint
{
    /// <summary>The <c>meta</c> dict of a checkpoint at <paramref name="pos"/>.</summary>
    public static Dictionary<string, object?> Meta(TrainConfig config, ImageClassifier model, TrainPosition pos, int itersPerEpoch) => new()
    {
        ["epoch"] = (long)pos.Epoch,
        ["iter"] = pos.Iter,
        ["iters_per_epoch"] = (long)itersPerEpoch,
        ["best_accuracy_top-1"] = pos.BestTop1,
        ["seed"] = (long)config.Run.Seed,
        ["arch"] = ShuffleNetV2Layout.Name(model.Width),
        ["stem"] = model.Backbone.Stem.ToMeta(),
        ["config"] = ConfigLoader.ToJson(config),
        ["time"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Writes model, optimizer state and position to <paramref name="path"/> atomically.</summary>
    /// <exception cref="CheckpointException">The file could not be written.</exception>
    public static void Save(string path, ImageClassifier model, Sgd sgd, Dictionary<string, object?> meta, IReadOnlyList<string> classes)
    {
        var metaDict = new OrderedDictionary<object, object?>();
        foreach (var (k, v) in meta) metaDict[k] = v;
        metaDict["CLASSES"] = classes.Cast<object?>().ToList();
        var state = new OrderedDictionary<object, object?>();
        for (int i = 0; i < sgd.Buffers.Count; i++)
            if (sgd.Buffers[i] is { } buf) state[(long)i] = new OrderedDictionary<object, object?> { ["momentum_buffer"] = Weights.FromTensor(buf) };
        var groups = new List<object?>();
        int index = 0;
        foreach (var g in sgd.Groups)
        {
            groups.Add(new OrderedDictionary<object, object?>
            {
                ["lr"] = sgd.Lr, ["momentum"] = sgd.Momentum, ["dampening"] = 0.0, ["weight_decay"] = g.WeightDecay,
                ["nesterov"] = false, ["maximize"] = false,
                ["params"] = Enumerable.Range(index, g.Parameters.Count).Select(i => (object?)(long)i).ToList(),
            });
            index += g.Parameters.Count;
        }
        TorchFile.Save(path, new OrderedDictionary<object, object?>
        {
            ["meta"] = metaDict,
            ["state_dict"] = Weights.ToStateDict(model),
            ["optimizer"] = new OrderedDictionary<object, object?> { ["state"] = state, ["param_groups"] = groups },
        });
    }

    /// <summary>
    /// Restores model weights and momentum buffers from a checkpoint this trainer wrote, after checking it is the same
    /// architecture, head and data layout; returns where the run stood.
    /// </summary>
    /// <exception cref="CheckpointException">Unreadable, another architecture, or no training state.</exception>
    public static TrainPosition Restore(string path, ImageClassifier model, Sgd sgd, int itersPerEpoch)
    {
        var ckpt = CheckpointFile.Load(path);
        string want = $"ShuffleNetV2 {ShuffleNetV2Layout.Name(model.Width)} with {model.NumClasses} classes";
        var width = ShuffleNetV2Layout.InferWidth(ckpt.StateDict);
        var classes = ShuffleNetV2Layout.InferNumClasses(ckpt.StateDict);
        if (width != model.Width || classes != model.NumClasses)
            throw new CheckpointException($"cannot resume from '{path}': it holds {(width is { } w ? $"ShuffleNetV2 {ShuffleNetV2Layout.Name(w)}" : "no ShuffleNet V2")}" +
                $" with {classes?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no"} classes; this config trains {want}");
        Weights.Load(model, ckpt.StateDict, path);
        if (ckpt.Meta.GetValueOrDefault("iter") is not long iter || ckpt.Meta.GetValueOrDefault("epoch") is not long epoch)
            throw new CheckpointException($"cannot resume from '{path}': it has no meta.iter/meta.epoch (a model-only file such as best.pth?); use model.load_from to fine-tune from it");
        if (ckpt.Meta.GetValueOrDefault("iters_per_epoch") is long ipe && ipe != itersPerEpoch)
            throw new CheckpointException($"cannot resume from '{path}': it was made with {ipe} iterations per epoch, this run has {itersPerEpoch} (batch size or dataset changed)");
        var raw = (OrderedDictionary<object, object?>)TorchFile.Load(path)!;
        if (raw.GetValueOrDefault("optimizer") is OrderedDictionary<object, object?> opt && opt.GetValueOrDefault("state") is OrderedDictionary<object, object?> state)
            foreach (var (k, v) in state)
                if (k is long i && v is OrderedDictionary<object, object?> s && s.GetValueOrDefault("momentum_buffer") is TensorData t)
                {
                    using var buf = Weights.ToTensor(t);
                    sgd.SetBuffer((int)i, buf);
                }
        double best = ckpt.Meta.GetValueOrDefault("best_accuracy_top-1") is double b ? b : -1;
        return new TrainPosition((int)epoch, iter, best)
        {
            LogLines = ckpt.Meta.GetValueOrDefault("log_lines") as long?,
        };
    }
}
