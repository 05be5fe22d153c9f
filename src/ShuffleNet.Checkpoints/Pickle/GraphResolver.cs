using System.Collections;

namespace ShuffleNet.Checkpoints;

/// <summary>
/// The last step of a load: replaces the unpickler's placeholders in place once every storage is read:
/// <see cref="PendingTensor"/> becomes <see cref="TensorData"/> (one per pending tensor, so shared
/// references stay shared) and a numpy dtype becomes its name.
/// </summary>
internal sealed class GraphResolver(string source)
{
    private readonly Dictionary<PendingTensor, TensorData> _tensors = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<object> _visited = new(ReferenceEqualityComparer.Instance);

    // deep enough for any real checkpoint; a crafted file nested deeper would otherwise overflow the stack
    private const int MaxDepth = 512;

    public object? Resolve(object? value, int depth = 0)
    {
        if (depth > MaxDepth) throw new CheckpointException($"checkpoint '{source}' nests containers more than {MaxDepth} deep; refused");
        switch (value)
        {
            case PendingTensor p:
                if (!_tensors.TryGetValue(p, out var t)) _tensors[p] = t = TensorRebuild.Materialise(p, source);
                return t;
            case NumpyDType dt: return NumpyValues.Name(dt);
            case DType d: return "torch." + d.ToString().ToLowerInvariant();   // a torch.dtype kept in meta
            case PyGlobal or StorageRef:
                throw new CheckpointException($"checkpoint '{source}' holds a bare {value} instead of data; not supported");
            case OrderedDictionary<object, object?> d when _visited.Add(d):
                for (int i = 0; i < d.Count; i++) d.SetAt(i, Resolve(d.GetAt(i).Value, depth + 1));
                return d;
            case List<object?> l when _visited.Add(l):
                for (int i = 0; i < l.Count; i++) l[i] = Resolve(l[i], depth + 1);
                return l;
            case object?[] a when _visited.Add(a):
                for (int i = 0; i < a.Length; i++) a[i] = Resolve(a[i], depth + 1);
                return a;
            default: return value;
        }
    }
}
