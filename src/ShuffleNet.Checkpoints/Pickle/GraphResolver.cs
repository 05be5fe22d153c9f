namespace ShuffleNet.Checkpoints;

/// <summary>
/// The last step of a load: replaces the unpickler's placeholders in place once every storage is read:
/// <see cref="PendingTensor"/> becomes <see cref="TensorData"/> (one per pending tensor, so shared
/// references stay shared) and a numpy dtype becomes its name. Breadth-first with a queue, not recursion, and each
/// container once: a list that contains itself or a DAG of shared lists (2^30 paths through 30 lists) costs one
/// pass over the distinct objects, and no file can exhaust the stack.
/// </summary>
internal sealed class GraphResolver(string source)
{
    /// <summary>
    /// Deepest container nesting read or written, counted along the shortest path from the top; deep enough for any
    /// real checkpoint (Python's own pickler stops near 1000 frames). A file nested deeper is refused, and the
    /// <see cref="Pickler"/> refuses to write one.
    /// </summary>
    public const int MaxDepth = 512;

    private readonly Dictionary<PendingTensor, TensorData> _tensors = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<object> _visited = new(ReferenceEqualityComparer.Instance);
    private readonly Queue<(object Container, int Depth)> _pending = new();

    public object? Resolve(object? root)
    {
        var top = Replace(root, 0);
        while (_pending.TryDequeue(out var item))
        {
            int depth = item.Depth + 1;
            switch (item.Container)
            {
                case OrderedDictionary<object, object?> d:
                    for (int i = 0; i < d.Count; i++)
                    {
                        var (key, v) = d.GetAt(i);
                        // keys are hashed: one a tensor or dtype stands for is replaced (tuples are resolved in place)
                        if (Replace(key, depth) is var k && !ReferenceEquals(k, key))
                        {
                            if (k is null || (d.IndexOf(k) is var j && j >= 0 && j != i))
                                throw new CheckpointException($"checkpoint '{source}' has a dict whose keys collide");
                            d.SetAt(i, k, v);
                        }
                        d.SetAt(i, Replace(v, depth));
                    }
                    break;
                case List<object?> l:
                    for (int i = 0; i < l.Count; i++) l[i] = Replace(l[i], depth);
                    break;
                case object?[] a:
                    for (int i = 0; i < a.Length; i++) a[i] = Replace(a[i], depth);
                    break;
                case HashSet<object?> s:
                    var items = s.ToList();
                    s.Clear();
                    foreach (var x in items) s.Add(Replace(x, depth));
                    break;
            }
        }
        return top;
    }

    // a leaf's resolved value; a container is queued the first time it is reached and stays itself
    private object? Replace(object? value, int depth)
    {
        switch (value)
        {
            case PendingTensor p:
                if (!_tensors.TryGetValue(p, out var t)) _tensors[p] = t = TensorRebuild.Materialise(p, source);
                return t;
            case NumpyDType dt: return NumpyValues.Name(dt);
            case DType d: return "torch." + d.ToString().ToLowerInvariant();   // a torch.dtype kept in meta
            case PyGlobal or StorageRef:
                throw new CheckpointException($"checkpoint '{source}' holds a bare {value} instead of data; not " +
                    "supported");
            case OrderedDictionary<object, object?> or List<object?> or object?[] or HashSet<object?>:
                if (_visited.Add(value))
                {
                    if (depth >= MaxDepth)
                        throw new CheckpointException($"checkpoint '{source}' nests containers more than {MaxDepth} " +
                            "deep; refused");
                    _pending.Enqueue((value, depth));
                }
                return value;
            default: return value;
        }
    }
}
