using System.Buffers.Binary;
using System.Collections;
using System.Numerics;
using System.Text;

namespace ShuffleNet.Checkpoints;

/// <summary>
/// Writes a Python object graph as the protocol 2 pickle torch.save puts in <c>data.pkl</c>: dicts,
/// lists, tuples, scalars, <see cref="StateDict"/> as <c>collections.OrderedDict</c>, and each
/// <see cref="TensorData"/> as <c>torch._utils._rebuild_tensor_v2</c> over a storage named by a
/// persistent id. Storages are collected in <see cref="Storages"/>, index = key.
/// </summary>
internal sealed class Pickler
{
    private readonly MemoryStream _out = new();
    private readonly Dictionary<TensorData, int> _keys = new(ReferenceEqualityComparer.Instance);

    /// <summary>Tensors in storage-key order: <c>data/0</c>, <c>data/1</c>, ...</summary>
    public List<TensorData> Storages { get; } = [];

    public byte[] Pickle(object? value)
    {
        _out.Write([0x80, 2]);   // PROTO 2, as torch.save writes
        Write(value);
        _out.WriteByte((byte)'.');
        return _out.ToArray();
    }

    private void Write(object? value)
    {
        switch (value)
        {
            case null: Op('N'); break;
            case bool b: Op(b ? 0x88 : 0x89); break;
            case int i: WriteInt(i); break;
            case long l: WriteInt(l); break;
            case BigInteger big: WriteBig(big); break;
            case float f: WriteFloat(f); break;
            case double d: WriteFloat(d); break;
            case string s: WriteString(s); break;
            // protocol 2 has no bytes opcode; Python 3 writes _codecs.encode(latin1 text, 'latin1')
            case byte[] bytes: Global("_codecs", "encode"); WriteString(Encoding.Latin1.GetString(bytes)); WriteString("latin1"); Op(0x86); Op('R'); break;
            case TensorData t: WriteTensor(t); break;
            case StateDict sd: Global("collections", "OrderedDict"); Op(')'); Op('R'); WriteItems(sd.Select(kv => ((object?)kv.Key, (object?)kv.Value))); break;
            case IDictionary d: Op('}'); WriteItems(Entries(d)); break;
            case object?[] tuple when value.GetType() == typeof(object[]): WriteTuple(tuple); break;
            case IList list: WriteList(list); break;
            default: throw new ArgumentException($"cannot save a {value.GetType().Name} in a checkpoint; use dicts, lists, tuples, strings, numbers, bools, bytes, null and tensors");
        }
    }

    private void WriteTensor(TensorData t)
    {
        if (!_keys.TryGetValue(t, out int key)) { _keys[t] = key = Storages.Count; Storages.Add(t); }
        Global("torch._utils", "_rebuild_tensor_v2");
        Op('(');
        Op('('); WriteString("storage"); Global("torch", StorageTypes.StorageName(t.DType)); WriteString(key.ToString(System.Globalization.CultureInfo.InvariantCulture));
        WriteString("cpu"); WriteInt(t.Count); Op('t'); Op('Q');   // persistent id ('storage', type, key, location, numel)
        WriteInt(0);
        var stride = new long[t.Shape.Length];
        for (long d = t.Shape.Length - 1, s = 1; d >= 0; s *= t.Shape[d], d--) stride[d] = s;
        WriteTuple(t.Shape.Cast<object?>().ToArray());
        WriteTuple(stride.Cast<object?>().ToArray());
        Op(0x89);                                                   // requires_grad False
        Global("collections", "OrderedDict"); Op(')'); Op('R');    // backward hooks
        Op('t'); Op('R');
    }

    private void WriteItems(IEnumerable<(object? Key, object? Value)> items)
    {
        foreach (var batch in items.Chunk(1000))   // batched like CPython's pickler
        {
            Op('(');
            foreach (var (k, v) in batch) { Write(k); Write(v); }
            Op('u');
        }
    }

    // IDictionary's own enumerator: a generic dictionary's IEnumerable yields KeyValuePairs, not DictionaryEntry
    internal static IEnumerable<(object? Key, object? Value)> Entries(IDictionary d)
    {
        var it = d.GetEnumerator();
        while (it.MoveNext()) yield return (it.Key, it.Value);
    }

    private void WriteList(IList list)
    {
        Op(']');
        foreach (var batch in list.Cast<object?>().Chunk(1000))
        {
            Op('(');
            foreach (var v in batch) Write(v);
            Op('e');
        }
    }

    private void WriteTuple(object?[] items)
    {
        if (items.Length == 0) { Op(')'); return; }
        if (items.Length <= 3) { foreach (var v in items) Write(v); Op(0x84 + items.Length); return; }
        Op('(');
        foreach (var v in items) Write(v);
        Op('t');
    }

    private void WriteInt(long v)
    {
        if (v is >= 0 and <= 0xff) { Op('K'); _out.WriteByte((byte)v); }
        else if (v is >= 0 and <= 0xffff) { Op('M'); Span<byte> b = stackalloc byte[2]; BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)v); _out.Write(b); }
        else if (v is >= int.MinValue and <= int.MaxValue) { Op('J'); Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteInt32LittleEndian(b, (int)v); _out.Write(b); }
        else WriteBig(v);
    }

    private void WriteBig(BigInteger v)
    {
        if (v >= int.MinValue && v <= int.MaxValue) { WriteInt((long)v); return; }
        var bytes = v.ToByteArray();   // little-endian two's complement, minimal: LONG1's encoding
        if (bytes.Length > 255) throw new ArgumentException("integer too large for a checkpoint");
        Op(0x8a); _out.WriteByte((byte)bytes.Length); _out.Write(bytes);
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

    private void Global(string module, string name) { Op('c'); _out.Write(Encoding.ASCII.GetBytes($"{module}\n{name}\n")); }

    private void Op(int op) => _out.WriteByte((byte)op);
}
