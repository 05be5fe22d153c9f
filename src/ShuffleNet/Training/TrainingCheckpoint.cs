using ShuffleNet.Checkpoints;
using ShuffleNet.Data;
using ShuffleNet.Distributed;
using ShuffleNet.Models;

namespace ShuffleNet.Training;

/// <summary>Where a run stands: completed epochs, global iterations done, and the best validation so far.</summary>
/// <param name="Epoch">Completed epochs (mmengine's <c>meta.epoch</c>).</param>
/// <param name="Iter">Iterations done since the start of the run (<c>meta.iter</c>); may be mid-epoch after
/// Ctrl+C.</param>
/// <param name="BestTop1">Best validation top-1 so far, percent (-1 before any).</param>
public sealed record TrainPosition(int Epoch, long Iter, double BestTop1)
{
    /// <summary>
    /// Lines <c>log.json</c> had when the checkpoint was written (<c>meta.log_lines</c>); null when it does not say.
    /// </summary>
    public long? LogLines { get; init; }

    /// <summary>Early stopping's best score (<c>meta.early_stopping_best</c>); null when it was off.</summary>
    public double? StopBest { get; init; }

    /// <summary>Early stopping's count of validations without improvement (<c>meta.early_stopping_wait</c>).</summary>
    public int? StopWait { get; init; }
}

/// <summary>
/// Training checkpoints as mmengine writes them: <c>{'meta': {...}, 'state_dict': OrderedDict, 'optimizer': {'state':
/// {i: {'momentum_buffer': T}}, 'param_groups': [...]}}</c>, plus with EMA mmengine's swap: <c>state_dict</c> holds the
/// averaged weights (what <c>test</c>, <c>export</c> and mmpretrain deploy) and <c>ema_state_dict</c> the raw ones
/// under <c>module.</c> with <c>steps</c>. <c>CheckpointFile.Load</c>, mmpretrain and <c>torch.load</c> all read them.
/// <c>latest.pth</c> and <c>best.pth</c> are written by the one <see cref="Save"/>; <c>best.pth</c> without optimizer
/// and raw weights (a model file). Besides the position, <c>meta</c> holds the seed (all randomness of the data derives
/// from it), the config, the stem, <c>iters_per_epoch</c>, <c>world_size</c> and <c>log_lines</c> (how many lines
/// <c>log.json</c> had, so a resume drops the lines written after the checkpoint).
/// </summary>
public static class TrainingCheckpoint
{
    private const string EmaKey = "ema_state_dict";

    /// <summary>The <c>meta</c> dict of a checkpoint at <paramref name="pos"/>.</summary>
    public static Dictionary<string, object?> Meta(TrainConfig config, ImageClassifier model, TrainPosition pos,
        int itersPerEpoch) => new()
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

    /// <summary>
    /// Writes <paramref name="path"/> atomically: the model's weights (the averages when <paramref name="ema"/> is
    /// given, with the raw weights in <c>ema_state_dict</c> if the file is resumable), and the optimizer state when
    /// <paramref name="optimizer"/> is given (a file to resume from); without it, a model file such as <c>best.pth</c>.
    /// </summary>
    /// <exception cref="CheckpointException">The file could not be written.</exception>
    public static void Save(string path, ImageClassifier model, Optimizer? optimizer, ExponentialMovingAverage? ema,
        Dictionary<string, object?> meta, IReadOnlyList<string> classes)
    {
        var metaDict = new OrderedDictionary<object, object?>();
        foreach (var (k, v) in meta) metaDict[k] = v;
        metaDict["CLASSES"] = classes.Cast<object?>().ToList();
        var raw = Weights.ToStateDict(model);
        var top = new OrderedDictionary<object, object?> { ["meta"] = metaDict };
        if (ema is null) top["state_dict"] = raw;
        else
        {
            var averaged = new StateDict();
            foreach (var (k, v) in raw) averaged[k] = v;
            foreach (var (name, avg) in ema.Averages) averaged[name] = Weights.FromTensor(avg);
            top["state_dict"] = averaged;
            if (optimizer is not null)
            {
                var swapped = new OrderedDictionary<object, object?> { ["steps"] = LongScalar(ema.Steps) };
                foreach (var (k, v) in raw) swapped["module." + k] = v;
                top[EmaKey] = swapped;
            }
        }
        if (optimizer is not null) top["optimizer"] = OptimizerState(optimizer);
        TorchFile.Save(path, top);
    }

    /// <summary>
    /// Restores a checkpoint this trainer wrote, read once: model weights (and EMA averages), optimizer state and the
    /// position, after checking architecture, head, optimizer and data layout. A checkpoint of another number of ranks
    /// (<c>meta.world_size</c>, absent: 1) is translated so the same share of the epoch counts as done:
    /// <c>iter = epochs * ipe + inEpoch * savedWorld / world</c> (rounded down: a few batches may be seen twice).
    /// </summary>
    /// <exception cref="CheckpointException">Unreadable, another architecture or optimizer, no training state, or other
    /// data.</exception>
    public static TrainPosition Restore(string path, ImageClassifier model, Optimizer optimizer,
        ExponentialMovingAverage? ema,
        IBatchSource train, int world)
    {
        var graph = TorchFile.Load(path);
        var ckpt = CheckpointFile.FromGraph(graph, path);
        var top = (OrderedDictionary<object, object?>)graph!;
        string want = $"ShuffleNetV2 {ShuffleNetV2Layout.Name(model.Width)} with {model.NumClasses} classes";
        var width = ShuffleNetV2Layout.InferWidth(ckpt.StateDict);
        var classes = ShuffleNetV2Layout.InferNumClasses(ckpt.StateDict);
        if (width != model.Width || classes != model.NumClasses)
            throw new CheckpointException($"cannot resume from '{path}': it holds " +
                $"{(width is { } w ? $"ShuffleNetV2 {ShuffleNetV2Layout.Name(w)}" : "no ShuffleNet V2")}" +
                $" with {classes?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no"} classes; this " +
                    $"config trains {want}");
        if (ckpt.Meta.GetValueOrDefault("iter") is not long iter
            || ckpt.Meta.GetValueOrDefault("epoch") is not long epoch
            || top.GetValueOrDefault("optimizer") is not OrderedDictionary<object, object?> opt)
            throw new CheckpointException($"cannot resume from '{path}': it has no optimizer state or meta.iter " +
                                          "(a model file such as best.pth?); " +
                                          "use model.load_from to fine-tune from it");
        int ipe = train.BatchesPerEpoch;
        int saved = ckpt.Meta.GetValueOrDefault("world_size") is long ws && ws >= 1 ? (int)ws : 1;
        int savedIpe = saved == world ? ipe
            : DistributedSampler.NumSamples(train is ShardedSource s ? s.InnerBatchesPerEpoch : ipe, saved,
                dropLast: true);
        if (ckpt.Meta.GetValueOrDefault("iters_per_epoch") is long fileIpe && fileIpe != savedIpe)
            throw new CheckpointException($"cannot resume from '{path}': it was made with {fileIpe} iterations per " +
                "epoch, " +
                                          $"this run has {savedIpe} (batch size or dataset changed)");
        LoadWeights(path, top, ckpt.StateDict, model, ema);
        LoadOptimizer(path, opt, optimizer);
        long epochs = iter / savedIpe, inEpoch = iter % savedIpe;
        double best = ckpt.Meta.GetValueOrDefault("best_accuracy_top-1") is double b ? b : -1;
        return new TrainPosition((int)epoch, epochs * ipe + inEpoch * saved / world, best)
        {
            LogLines = ckpt.Meta.GetValueOrDefault("log_lines") as long?,
            StopBest = ckpt.Meta.GetValueOrDefault("early_stopping_best") as double?,
            StopWait = ckpt.Meta.GetValueOrDefault("early_stopping_wait") is long wait ? (int)wait : null,
        };
    }

    // mmengine's EMAHook.after_load_checkpoint on resume: swap back, so the model gets the raw weights and the EMA the
    // averages; without an EMA section the average starts from the weights
    private static void LoadWeights(string path, OrderedDictionary<object, object?> top, StateDict stateDict,
        ImageClassifier model,
        ExponentialMovingAverage? ema)
    {
        if (top.GetValueOrDefault(EmaKey) is not OrderedDictionary<object, object?> swapped)
        {
            Weights.Load(model, stateDict, path);
            if (ema is not null) SetAverages(ema, stateDict);
            return;
        }
        var raw = new StateDict();
        foreach (var (k, v) in swapped)
            if (k is string key && key.StartsWith("module.", StringComparison.Ordinal) && v is TensorData t)
                raw[key["module.".Length..]] = t;
        Weights.Load(model, raw, path);
        if (ema is null) return;   // EMA turned off for the rest of the run: train on from the raw weights
        SetAverages(ema, stateDict);
        ema.Steps = swapped.GetValueOrDefault("steps") is TensorData steps ? BitConverter.ToInt64(steps.Bytes) : 0;
    }

    // every averaged tensor of the EMA from the checkpoint's state_dict (the averages, or the weights to start from)
    private static void SetAverages(ExponentialMovingAverage ema, StateDict stateDict)
    {
        foreach (var (name, _) in ema.Averages.ToList())
        {
            using var t = Weights.ToTensor(stateDict[name]);
            ema.SetAverage(name, t);
        }
    }

    private static void LoadOptimizer(string path, OrderedDictionary<object, object?> opt, Optimizer optimizer)
    {
        if (opt.GetValueOrDefault("state") is not OrderedDictionary<object, object?> state) return;
        foreach (var (k, v) in state)
        {
            if (k is not long i || v is not OrderedDictionary<object, object?> entries) continue;
            foreach (var (name, value) in entries)
            {
                if (name is not string n || value is not TensorData t) continue;
                if (!optimizer.StateNames.Contains(n))
                    throw new CheckpointException($"cannot resume from '{path}': its optimizer state has '{n}', " +
                                                  $"which {optimizer.Type} " +
                                                  "does not keep; resume with the optimizer.type it was trained with");
                using var tensor = Weights.ToTensor(t);
                optimizer.SetState((int)i, n, tensor);
            }
        }
    }

    private static OrderedDictionary<object, object?> OptimizerState(Optimizer optimizer)
    {
        var state = new OrderedDictionary<object, object?>();
        int count = optimizer.Groups.Sum(g => g.Parameters.Count);
        for (int i = 0; i < count; i++)
        {
            var s = optimizer.State(i);
            if (s.Count == 0) continue;
            var entry = new OrderedDictionary<object, object?>();
            foreach (var name in optimizer.StateNames)
                if (s.TryGetValue(name, out var t)) entry[name] = Weights.FromTensor(t);
            state[(long)i] = entry;
        }
        var groups = new List<object?>();
        int index = 0;
        foreach (var g in optimizer.Groups)
        {
            var group = new OrderedDictionary<object, object?>();
            foreach (var (key, value) in optimizer.GroupOptions(g)) group[key] = value;
            group["params"] = Enumerable.Range(index, g.Parameters.Count).Select(i => (object?)(long)i).ToList();
            groups.Add(group);
            index += g.Parameters.Count;
        }
        return new OrderedDictionary<object, object?> { ["state"] = state, ["param_groups"] = groups };
    }

    private static TensorData LongScalar(long value) => new(DType.Int64, [], BitConverter.GetBytes(value));
}
