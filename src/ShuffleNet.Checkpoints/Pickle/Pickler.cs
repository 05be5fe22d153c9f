using System.Buffers.Binary;
using System.Collections;
using System.Numerics;
using System.Text;

namespace ShuffleNet.Checkpoints;

/// <summary>
/// Writes a Python object graph as the protocol 2 pickle torch.save puts in <c>data.pkl</c>: dicts,
/// lists, tuples, sets, scalars, <see cref="StateDict"/> as <c>collections.OrderedDict</c>, and each
/// <see cref="TensorData"/> as <c>torch._utils._rebuild_tensor_v2</c> over a storage named by a
/// persistent id (a view is written as a view of its storage, as PyTorch does). Storages are collected in
/// <see cref="Storages"/>, index = key.
/// </summary>
/// <remarks>
/// Like Python's pickler, every container and tensor is memoised: written once, then referred to (BINGET), so a
/// list that contains itself is written as pickle writes it and a DAG of shared lists costs its distinct objects,
/// not its paths. Unlike Python's, it keeps its place in a stack of its own, not in the call stack: any graph the
/// reader accepts is written back, however deep its first path runs. Containers nested deeper than
/// <see cref="GraphResolver.MaxDepth"/> along their shortest path (what the reader refuses) are refused.
/// </remarks>
internal sealed class Pickler
{
    private readonly MemoryStream _out = new();
    private readonly Dictionary<(byte[] Storage, DType DType), int> _keys = new(StorageComparer.Instance);
    private readonly Dictionary<object, int> _memo = new(ReferenceEqualityComparer.Instance);
    // tuples and sets being written (memoised only once complete), and how many times each is open
    private readonly Dictionary<object, int> _open = new(ReferenceEqualityComparer.Instance);
    private readonly Stack<IEnumerator<object?>> _work = new();

    /// <summary>Storage bytes in storage-key order: <c>data/0</c>, <c>data/1</c>, ...</summary>
    public List<byte[]> Storages { get; } = [];

    public byte[] Pickle(object? value)
    {
        CheckDepth(value);
        _out.Write([0x80, 2]);   // PROTO 2, as torch.save writes
        Write(value);
        while (_work.TryPeek(out var container))
        {
            if (!container.MoveNext()) _work.Pop();
            else if (container.Current is Step step) step.Emit();
            else Write(container.Current);
        }
        _out.WriteByte((byte)'.');
        return _out.ToArray();
    }

    /// <summary>One step of a container's opcodes, between its items.</summary>
    private sealed record Step(Action Emit);

    // a scalar, a reference to a value written before, bytes or a tensor at once; a container as a sequence of
    // steps and items (Parts), worked through by Pickle's loop
    private void Write(object? value)
    {
        switch (value)
        {
            case null: Op('N'); return;
            case bool b: Op(b ? 0x88 : 0x89); return;
            case int i: WriteInt(i); return;
            case long l: WriteInt(l); return;
            case BigInteger big: WriteBig(big); return;
            case float f: WriteFloat(f); return;
            case double d: WriteFloat(d); return;
            case string s: WriteString(s); return;
            case object?[] { Length: 0 } when value.GetType() == typeof(object[]): Op(')'); return;   // not memoised
        }
        if (_memo.TryGetValue(value, out int seen)) { Get(seen); return; }
        switch (value)
        {
            // protocol 2 has no bytes opcode; Python 3 writes _codecs.encode(latin1 text, 'latin1')
            case byte[] bytes:
                Global("_codecs", "encode");
                WriteString(Encoding.Latin1.GetString(bytes)); WriteString("latin1"); Op(0x86); Op('R');
                Put(value);
                return;
            case TensorData t: WriteTensor(t); Put(value); return;
            case StateDict or IDictionary or IList or ISet<object?>:
                _work.Push(Parts(value).GetEnumerator());
                return;
            default:
                throw new ArgumentException($"cannot save a {value.GetType().Name} in a checkpoint; use dicts, " +
                    "lists, tuples, sets, strings, numbers, bools, bytes, null and tensors");
        }
    }

    private IEnumerable<object?> Parts(object value)
    {
        switch (value)
        {
            case StateDict sd:
                yield return new Step(() => { Global("collections", "OrderedDict"); Op(')'); Op('R'); Put(value); });
                foreach (var part in Items(sd.Select(kv => ((object?)kv.Key, (object?)kv.Value)))) yield return part;
                break;
            case IDictionary d:
                yield return new Step(() => { Op('}'); Put(value); });
                foreach (var part in Items(Entries(d))) yield return part;
                break;
            case object?[] tuple when value.GetType() == typeof(object[]):
                Open(tuple);
                if (tuple.Length > 3) yield return new Step(() => Op('('));
                foreach (var item in tuple) yield return item;
                yield return new Step(() => CloseTuple(tuple));
                break;
            // protocol 2 pickles a set as set([items]), a list made for the call
            case ISet<object?> set:
                Open(set);
                yield return new Step(() => { Global("__builtin__", "set"); Op(']'); });
                foreach (var part in Appends(set)) yield return part;
                yield return new Step(() => { Op(0x85); Op('R'); Close(set, 1); });
                break;
            case IList list:
                yield return new Step(() => { Op(']'); Put(value); });
                foreach (var part in Appends(list.Cast<object?>())) yield return part;
                break;
        }
    }

    // batched like CPython's pickler
    private IEnumerable<object?> Items(IEnumerable<(object? Key, object? Value)> items)
    {
        foreach (var batch in items.Chunk(1000))
        {
            yield return new Step(() => Op('('));
            foreach (var (k, v) in batch) { yield return k; yield return v; }
            yield return new Step(() => Op('u'));
        }
    }

    private IEnumerable<object?> Appends(IEnumerable<object?> items)
    {
        foreach (var batch in items.Chunk(1000))
        {
            yield return new Step(() => Op('('));
            foreach (var v in batch) yield return v;
            yield return new Step(() => Op('e'));
        }
    }

    // IDictionary's own enumerator: a generic dictionary's IEnumerable yields KeyValuePairs, not DictionaryEntry
    internal static IEnumerable<(object? Key, object? Value)> Entries(IDictionary d)
    {
        var it = d.GetEnumerator();
        while (it.MoveNext()) yield return (it.Key, it.Value);
    }

    // A tuple or set is reached again while open only through a list or dict inside it, which Python's pickler
    // writes once, so the second copy closes; with no list or dict between (a C# array that holds itself), the
    // pickle could never end and no Python object is like it
    private void Open(object container)
    {
        int n = _open.GetValueOrDefault(container) + 1;
        if (n > 2)
            throw new ArgumentException("cannot save a tuple or set that contains itself without a list or dict " +
                "between; Python has no such value");
        _open[container] = n;
    }

    private void CloseTuple(object?[] tuple)
    {
        int n = tuple.Length;
        if (_memo.ContainsKey(tuple)) Close(tuple, n > 3 ? -1 : n);
        else
        {
            Op(n > 3 ? 't' : 0x84 + n);
            Close(tuple, 0);
        }
    }

    // the container's items are on the stack, built: if it was reached again inside itself and written there, drop
    // this copy (`pops` POPs, or POP_MARK for -1) and refer to that one, as Python does; else memoise it
    private void Close(object container, int pops)
    {
        _open[container] = _open[container] - 1;
        if (_memo.TryGetValue(container, out int self))
        {
            if (pops < 0) Op('1');
            for (int i = 0; i < pops; i++) Op('0');
            Get(self);
        }
        else Put(container);
    }

    // the reader refuses containers more than MaxDepth deep along their shortest path from the top: so does the writer
    private static void CheckDepth(object? root)
    {
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var level = new List<object?> { root };
        for (int depth = 0; level.Count > 0; depth++)
        {
            var next = new List<object?>();
            foreach (var value in level)
            {
                var children = value switch
                {
                    StateDict sd => sd.Select(kv => (object?)kv.Value),
                    IDictionary d => Entries(d).SelectMany(e => new[] { e.Key, e.Value }),
                    object?[] t when t.GetType() == typeof(object[]) => t,
                    ISet<object?> set => set,
                    IList list and not byte[] => list.Cast<object?>(),
                    _ => null,
                };
                if (children is null || !seen.Add(value!)) continue;
                if (depth >= GraphResolver.MaxDepth)
                    throw new ArgumentException("cannot save a checkpoint whose values nest more than " +
                        $"{GraphResolver.MaxDepth} deep; the reader would refuse it");
                next.AddRange(children);
            }
            level = next;
        }
    }

    private void WriteTensor(TensorData t)
    {
        if (!_keys.TryGetValue((t.Storage, t.DType), out int key))
        {
            _keys[(t.Storage, t.DType)] = key = Storages.Count;
            Storages.Add(t.Storage);
        }
        Global("torch._utils", "_rebuild_tensor_v2");
        Op('(');
        // persistent id ('storage', type, key, location, numel)
        Op('('); WriteString("storage"); Global("torch", StorageTypes.StorageName(t.DType));
        WriteString(key.ToString(System.Globalization.CultureInfo.InvariantCulture));
        WriteString("cpu"); WriteInt(t.Storage.LongLength / TensorData.ElementSize(t.DType)); Op('t'); Op('Q');
        WriteInt(t.StorageOffset);
        WriteLongs(t.Shape);
        WriteLongs(t.Strides);
        Op(0x89);                                                   // requires_grad False
        Global("collections", "OrderedDict"); Op(')'); Op('R');    // backward hooks
        Op('t'); Op('R');
    }





    private void WriteLongs(long[] values)
    {
        if (values.Length is > 0 and <= 3) { foreach (var v in values) WriteInt(v); Op(0x84 + values.Length); return; }
        Op(values.Length == 0 ? ')' : '(');
        if (values.Length == 0) return;
        foreach (var v in values) WriteInt(v);
        Op('t');
    }

    private void Put(object value)
    {
        int index = _memo.Count;
        _memo[value] = index;
        Op(index < 256 ? 'q' : 'r');
        WriteIndex(index);
    }

    private void Get(int index)
    {
        Op(index < 256 ? 'h' : 'j');
        WriteIndex(index);
    }

    // BINPUT/BINGET take one byte, LONG_BINPUT/LONG_BINGET four
    private void WriteIndex(int index)
    {
        if (index < 256) { _out.WriteByte((byte)index); return; }
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, index);
        _out.Write(b);
    }

    private void WriteInt(long v)
    {
        if (v is >= 0 and <= 0xff) { Op('K'); _out.WriteByte((byte)v); }
        else if (v is >= 0 and <= 0xffff) { Op('M'); Span<byte> b = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)v); _out.Write(b); }
        else if (v is >= int.MinValue and <= int.MaxValue) { Op('J'); Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(b, (int)v); _out.Write(b); }
        else WriteBig(v);
    }

    private void WriteBig(BigInteger v)
    {
        if (v >= int.MinValue && v <= int.MaxValue) { WriteInt((long)v); return; }
        var bytes = v.ToByteArray();   // little-endian two's complement, minimal: LONG1's and LONG4's encoding
        if (bytes.Length > Unpickler.MaxLongBytes)
            throw new ArgumentException("cannot save an integer of over 4300 digits in a checkpoint; the reader " +
                "would refuse it");
        if (bytes.Length <= 255) { Op(0x8a); _out.WriteByte((byte)bytes.Length); }
        else
        {
            Op(0x8b);
            Span<byte> n = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(n, bytes.Length);
            _out.Write(n);
        }
        _out.Write(bytes);
    }

    private void WriteFloat(double v)
    {
        Op('G');
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleBigEndian(b, v);
        _out.Write(b);
    }

    private void WriteString(string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        Op('X');
        Span<byte> len = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(len, (uint)bytes.Length);
        _out.Write(len);
        _out.Write(bytes);
    }

    private void Global(string module, string name) { Op('c');
        _out.Write(Encoding.ASCII.GetBytes($"{module}\n{name}\n")); }

    private void Op(int op) => _out.WriteByte((byte)op);

    // one storage per byte array and element type: views of one storage share its key, as in PyTorch's files
    private sealed class StorageComparer : IEqualityComparer<(byte[] Storage, DType DType)>
    {
        public static readonly StorageComparer Instance = new();
        public bool Equals((byte[] Storage, DType DType) a, (byte[] Storage, DType DType) b) =>
            ReferenceEquals(a.Storage, b.Storage) && a.DType == b.DType;
        public int GetHashCode((byte[] Storage, DType DType) k) =>
            HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(k.Storage), k.DType);
    }
}
