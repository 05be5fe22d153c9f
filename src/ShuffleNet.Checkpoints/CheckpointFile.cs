namespace ShuffleNet.Checkpoints;

/// <summary>
/// Loads and saves ShuffleNet V2 checkpoints in the layouts people actually have: mmcls 0.x and
/// mmpretrain 1.x training checkpoints, plain state dicts, <c>{'model': ...}</c> wrappers, DataParallel
/// <c>module.</c> keys and torchvision's key names. Whatever the file, the result uses mmpretrain keys.
/// </summary>
public static class CheckpointFile
{
    /// <summary>
    /// Reads a checkpoint and normalises it: the state dict is taken from <c>state_dict</c>, <c>model</c> or
    /// the top-level dict, a <c>module.</c> prefix on every key is dropped, torchvision keys are renamed to
    /// mmpretrain's, and class names come from <c>meta.CLASSES</c> or <c>meta.dataset_meta.classes</c>.
    /// The layout is not validated here: see <see cref="LayoutCheck.Validate"/>.
    /// </summary>
    /// <exception cref="CheckpointException">The file cannot be read or holds no state dict.</exception>
    public static Checkpoint Load(string path) => FromGraph(TorchFile.Load(path), path);

    /// <summary>What <see cref="Load"/> does with the graph <see cref="TorchFile.Load(string)"/> read.</summary>
    /// <exception cref="CheckpointException">The graph holds no state dict.</exception>
    public static Checkpoint FromGraph(object? root, string path)
    {
        var top = root as OrderedDictionary<object, object?>
            ?? throw new CheckpointException($"checkpoint '{path}' holds a {Describe(root)}, not a dict; expected a " +
                "state dict or an mmpretrain checkpoint");
        var stateDict = ToStateDict(FindStateDict(top, path), path);
        if (stateDict.Keys.All(k => k.StartsWith("module.", StringComparison.Ordinal)))
            stateDict = stateDict.RenameKeys(k => k["module.".Length..]);   // saved from DataParallel
        var layout = CheckpointLayout.Mmpretrain;
        if (TorchvisionKeyMap.IsTorchvision(stateDict.Keys))
        {
            layout = CheckpointLayout.Torchvision;
            try { stateDict = stateDict.RenameKeys(TorchvisionKeyMap.ToMmcls); }
            catch (KeyNotFoundException e) { throw new CheckpointException($"checkpoint '{path}' looks like " +
                $"torchvision's ShuffleNet V2 but {e.Message}", e); }
        }
        var meta = new Dictionary<string, object?>();
        if (top.TryGetValue("meta", out var m) && m is OrderedDictionary<object, object?> metaDict)
            foreach (var (k, v) in metaDict)
                if (k is string key) meta[key] = v;
        return new Checkpoint(stateDict, FindClasses(meta), meta) { SourceLayout = layout };
    }

    /// <summary>
    /// Writes <paramref name="checkpoint"/> in torch.save's zip format, atomically.
    /// <see cref="CheckpointLayout.Mmpretrain"/> writes <c>{'meta': {...meta, 'CLASSES': [...]}, 'state_dict':
    /// OrderedDict}</c> (a <c>meta.dataset_meta.classes</c> is updated too); <see cref="CheckpointLayout.Torchvision"/>
    /// writes a plain OrderedDict under torchvision keys, for
    /// <c>torchvision.models.shufflenet_v2_x1_0().load_state_dict</c>. Tensors keep their types (float32 weights, int64
    /// 0-dim <c>num_batches_tracked</c>). What a layout cannot hold (torchvision's: the class names and the whole meta)
    /// is listed by <see cref="NotKeptIn"/>; callers say so.
    /// </summary>
    /// <exception cref="CheckpointException">A key has no torchvision name, or the file could not be
    /// written.</exception>
    public static void Save(string path, Checkpoint checkpoint, CheckpointLayout layout = CheckpointLayout.Mmpretrain)
    {
        if (layout == CheckpointLayout.Torchvision)
        {
            StateDict renamed;
            try { renamed = checkpoint.StateDict.RenameKeys(TorchvisionKeyMap.ToTorchvision); }
            catch (KeyNotFoundException e) { throw new CheckpointException($"cannot save checkpoint '{path}' in " +
                $"torchvision layout: {e.Message}", e); }
            TorchFile.Save(path, renamed);
            return;
        }
        var meta = new OrderedDictionary<object, object?>();
        foreach (var (k, v) in checkpoint.Meta) meta[k] = v;
        if (checkpoint.Classes is { } classes)
        {
            meta["CLASSES"] = classes.Cast<object?>().ToList();
            if (meta.TryGetValue("dataset_meta", out var dm) && dm is System.Collections.IDictionary datasetMeta
                && datasetMeta.Contains("classes"))
            {
                var copy = new OrderedDictionary<object, object?>();
                foreach (var (k, v) in Pickler.Entries(datasetMeta)) copy[k!] = v;
                copy["classes"] = classes.Cast<object?>().ToArray();
                meta["dataset_meta"] = copy;
            }
        }
        TorchFile.Save(path, new OrderedDictionary<object, object?> { ["meta"] = meta,
            ["state_dict"] = checkpoint.StateDict });
    }

    /// <summary>
    /// What <see cref="Save"/> in <paramref name="layout"/> leaves out of <paramref name="checkpoint"/>: nothing for
    /// mmpretrain's; for torchvision's (a plain state dict, as <c>load_state_dict</c> wants it) <c>CLASSES</c> when
    /// there are class names and every other key of <c>meta</c>.
    /// </summary>
    public static IReadOnlyList<string> NotKeptIn(Checkpoint checkpoint, CheckpointLayout layout) =>
        layout != CheckpointLayout.Torchvision ? []
            : [.. (checkpoint.Classes is null ? [] : new[] { "CLASSES" }),
               .. checkpoint.Meta.Keys.Where(k => k != "CLASSES")];

    private static OrderedDictionary<object, object?> FindStateDict(OrderedDictionary<object, object?> top, string path)
    {
        foreach (var wrapper in new[] { "state_dict", "model" })
            if (top.TryGetValue(wrapper, out var inner) && inner is OrderedDictionary<object, object?> d) return d;
        if (top.Count > 0 && top.Values.All(v => v is TensorData)) return top;
        var keys = string.Join(", ", top.Keys.Take(8).Select(k => $"'{k}'"));
        throw new CheckpointException(top.Values.Any(v => v is TensorData)
            ? $"checkpoint '{path}' mixes tensors with other values at the top level ({keys}); expected a state dict " +
                $"or {{'state_dict': ...}}"
            : $"checkpoint '{path}' holds no tensors: a dict with keys {(keys.Length > 0 ? keys : "(none)")} and no " +
                "'state_dict' or 'model'; is it a checkpoint?");
    }

    private static StateDict ToStateDict(OrderedDictionary<object, object?> dict, string path)
    {
        var sd = new StateDict();
        foreach (var (k, v) in dict)
        {
            if (k is not string key || v is not TensorData t)
                throw new CheckpointException($"checkpoint '{path}' has a state dict entry '{k}' that is a " +
                    $"{Describe(v)}, not a tensor");
            sd[key] = t;
        }
        if (sd.Count == 0) throw new CheckpointException($"checkpoint '{path}' has an empty state dict");
        return sd;
    }

    private static IReadOnlyList<string>? FindClasses(Dictionary<string, object?> meta)
    {
        object? found = meta.GetValueOrDefault("CLASSES");
        if (found is null && meta.GetValueOrDefault("dataset_meta") is OrderedDictionary<object, object?> dm) found =
            dm.GetValueOrDefault("classes");
        return found switch
        {
            List<object?> list when list.All(c => c is string) => list.Cast<string>().ToList(),
            object?[] tuple when tuple.All(c => c is string) => tuple.Cast<string>().ToList(),
            _ => null,
        };
    }

    private static string Describe(object? v) => v switch
    {
        null => "None",
        TensorData t => $"tensor {t}",
        _ => v.GetType().Name,
    };
}
