using System.Collections;

namespace ShuffleNet.Checkpoints;

/// <summary>
/// An ordered map from parameter and buffer names to tensors, like PyTorch's <c>state_dict()</c>:
/// insertion order is kept, because PyTorch and mmpretrain write keys in module order.
/// </summary>
public sealed class StateDict : IEnumerable<KeyValuePair<string, TensorData>>
{
    private readonly List<string> _keys = [];
    private readonly Dictionary<string, TensorData> _values = new(StringComparer.Ordinal);

    /// <summary>Number of entries.</summary>
    public int Count => _keys.Count;

    /// <summary>Keys in insertion order.</summary>
    public IReadOnlyList<string> Keys => _keys;

    /// <summary>Gets or sets (appending when new) the tensor under <paramref name="key"/>.</summary>
    public TensorData this[string key]
    {
        get => _values.TryGetValue(key, out var t) ? t : throw new KeyNotFoundException($"no tensor named '{key}' in " +
            "the state dict");
        set
        {
            if (!_values.ContainsKey(key)) _keys.Add(key);
            _values[key] = value;
        }
    }

    /// <summary>Whether <paramref name="key"/> is present.</summary>
    public bool ContainsKey(string key) => _values.ContainsKey(key);

    /// <summary>Looks up <paramref name="key"/>.</summary>
    public bool TryGetValue(string key, out TensorData value) => _values.TryGetValue(key, out value!);

    /// <summary>A new state dict with every key passed through <paramref name="rename"/>, order kept.</summary>
    public StateDict RenameKeys(Func<string, string> rename)
    {
        var result = new StateDict();
        foreach (var k in _keys) result[rename(k)] = _values[k];
        return result;
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, TensorData>> GetEnumerator()
    {
        foreach (var k in _keys) yield return new(k, _values[k]);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
