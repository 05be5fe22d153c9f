using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace ShuffleNet.Checkpoints.Tests.Hardening;

/// <summary>
/// Builds, without PyTorch, a zip-format checkpoint a crafted-file attack would use: a complete ShuffleNet V2 0.5x
/// state dict in a few KB (every tensor a stride-0 view of a one-element storage, which <c>torch.load</c> reads too),
/// plus whatever a test adds to <c>meta</c>, to the state dict, or to the archive. The zip is written by hand so
/// that an entry can declare any size and be deflated.
/// </summary>
internal sealed class CraftedCheckpoint
{
    // memo slots of the globals, set once at the start of the pickle
    public const int RebuildTensor = 0, OrderedDict = 1, FloatStorage = 2, LongStorage = 3;
    public const int RebuildFromType = 4, Parameter = 5;

    /// <summary>Writes key/value pairs into the <c>meta</c> dict (inside its MARK ... SETITEMS).</summary>
    public Action<PickleOps>? Meta { get; init; }

    /// <summary>Writes key/value pairs after the ShuffleNet keys of the state dict.</summary>
    public Action<PickleOps>? ExtraTensors { get; init; }

    /// <summary>How deep <c>head.fc.bias</c> is wrapped in <c>_rebuild_from_type_v2(...)</c>.</summary>
    public int NestedRebuildDepth { get; init; }

    /// <summary>More archive entries: name under <c>archive/</c>, payload, deflated or not, declared size.</summary>
    public List<(string Name, byte[] Payload, bool Deflated, long Declared)> ExtraEntries { get; } = [];

    /// <summary>The 0.5x, 1000-class key layout the state dict follows.</summary>
    public static IReadOnlyList<(string Key, long[] Shape)> Layout => ShuffleNetV2Layout.Keys(Width.X0_5);

    /// <summary>A float32 tensor over storage <paramref name="key"/> of <paramref name="numel"/> elements.</summary>
    public static void Tensor(PickleOps p, string key, long numel, long offset, long[] size, long[] stride,
        int storageType = FloatStorage) =>
        p.Get(RebuildTensor).Op('(')
            .Op('(').Str("storage").Get(storageType).Str(key).Str("cpu").Int(numel).Op('t').Op('Q')
            .Int(offset).Ints(size).Ints(stride).Op(0x89).Get(OrderedDict).Op(')').Op('R')
            .Op('t').Op('R');

    /// <summary>A stride-0 float32 view of the one-element storage <c>f</c>: any shape, 4 bytes in the file.</summary>
    public static void Expanded(PickleOps p, params long[] shape) =>
        Tensor(p, "f", 1, 0, shape, new long[shape.Length]);

    public byte[] ToZip()
    {
        var entries = new List<(string, byte[], bool, long)>
        {
            ("data.pkl", Pickle(), false, -1),
            ("byteorder", Encoding.ASCII.GetBytes("little"), false, -1),
            ("data/f", BitConverter.GetBytes(0.5f), false, -1),
            ("data/l", BitConverter.GetBytes(0L), false, -1),
        };
        entries.AddRange(ExtraEntries);
        entries.Add(("version", Encoding.ASCII.GetBytes("3\n"), false, -1));
        return Zip(entries);
    }

    private byte[] Pickle()
    {
        var p = new PickleOps().Proto();
        p.Global("torch._utils", "_rebuild_tensor_v2").Put(RebuildTensor).Op('0')
            .Global("collections", "OrderedDict").Put(OrderedDict).Op('0')
            .Global("torch", "FloatStorage").Put(FloatStorage).Op('0')
            .Global("torch", "LongStorage").Put(LongStorage).Op('0')
            .Global("torch._tensor", "_rebuild_from_type_v2").Put(RebuildFromType).Op('0')
            .Global("torch.nn.parameter", "Parameter").Put(Parameter).Op('0');
        p.Op('}').Op('(').Str("meta").Op('}').Op('(');
        Meta?.Invoke(p);
        p.Op('u').Str("state_dict").Get(OrderedDict).Op(')').Op('R').Op('(');
        foreach (var (key, shape) in Layout)
        {
            p.Str(key);
            if (key.EndsWith("num_batches_tracked", StringComparison.Ordinal))
                Tensor(p, "l", 1, 0, [], [], LongStorage);
            else if (key == "head.fc.bias" && NestedRebuildDepth > 0) NestedRebuild(p, shape);
            else Expanded(p, shape);
        }
        ExtraTensors?.Invoke(p);
        return p.Op('u').Op('u').Stop().ToArray();
    }

    // F(F, T, (F, T, ... (_rebuild_tensor_v2, T, (tensor args), {}) ..., {}), {}) with F = _rebuild_from_type_v2
    private void NestedRebuild(PickleOps p, long[] shape)
    {
        p.Get(RebuildFromType);
        for (int i = 0; i < NestedRebuildDepth; i++) p.Op('(').Get(RebuildFromType).Get(Parameter);
        p.Op('(').Get(RebuildTensor).Get(Parameter)
            .Op('(').Op('(').Str("storage").Get(FloatStorage).Str("f").Str("cpu").Int(1).Op('t').Op('Q')
            .Int(0).Ints(shape).Ints(new long[shape.Length]).Op(0x89).Get(OrderedDict).Op(')').Op('R').Op('t')
            .Op('}').Op('t');
        for (int i = 0; i < NestedRebuildDepth; i++) p.Op('}').Op('t');
        p.Op('R');
    }

    /// <summary>
    /// Raw deflate of <paramref name="zeros"/> zero bytes in about zeros / 1000 bytes, without deflating them all: one
    /// sync-flushed 1 MB block (byte-aligned, its matches reach back only over zeros) repeated, then the final block.
    /// </summary>
    public static byte[] DeflatedZeros(long zeros)
    {
        const int chunk = 1 << 20;
        if (zeros % chunk != 0) throw new ArgumentException("a multiple of 1 MB", nameof(zeros));
        var buffer = new MemoryStream();
        byte[] block, tail;
        using (var deflate = new DeflateStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            deflate.Write(new byte[chunk]);
            deflate.Flush();
            block = buffer.ToArray();
            buffer.SetLength(0);
        }
        tail = buffer.ToArray();
        var result = new byte[block.Length * (zeros / chunk) + tail.Length];
        for (long i = 0; i < zeros / chunk; i++) block.CopyTo(result, i * block.Length);
        tail.CopyTo(result, result.Length - tail.Length);
        return result;
    }

    // local headers, data, central directory; sizes as declared (a deflated entry: what it claims to inflate to)
    private static byte[] Zip(List<(string Name, byte[] Payload, bool Deflated, long Declared)> entries)
    {
        var output = new MemoryStream();
        var central = new MemoryStream();
        foreach (var (name, payload, deflated, declared) in entries)
        {
            var nameBytes = Encoding.UTF8.GetBytes("archive/" + name);
            long size = declared >= 0 ? declared : payload.Length;
            uint crc = deflated ? 0 : Crc32.Compute(payload);   // a bomb's CRC is never reached
            var h = new byte[30];
            BinaryPrimitives.WriteUInt32LittleEndian(h, 0x04034b50);
            BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(4), 20);
            BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(8), (ushort)(deflated ? 8 : 0));
            BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(12), 0x21);
            BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(14), crc);
            BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(18), (uint)payload.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(22), (uint)size);
            BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(26), (ushort)nameBytes.Length);
            long offset = output.Position;
            output.Write(h);
            output.Write(nameBytes);
            output.Write(payload);
            var c = new byte[46];
            BinaryPrimitives.WriteUInt32LittleEndian(c, 0x02014b50);
            BinaryPrimitives.WriteUInt16LittleEndian(c.AsSpan(4), 20);
            BinaryPrimitives.WriteUInt16LittleEndian(c.AsSpan(6), 20);
            BinaryPrimitives.WriteUInt16LittleEndian(c.AsSpan(10), (ushort)(deflated ? 8 : 0));
            BinaryPrimitives.WriteUInt16LittleEndian(c.AsSpan(14), 0x21);
            BinaryPrimitives.WriteUInt32LittleEndian(c.AsSpan(16), crc);
            BinaryPrimitives.WriteUInt32LittleEndian(c.AsSpan(20), (uint)payload.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(c.AsSpan(24), (uint)size);
            BinaryPrimitives.WriteUInt16LittleEndian(c.AsSpan(28), (ushort)nameBytes.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(c.AsSpan(42), (uint)offset);
            central.Write(c);
            central.Write(nameBytes);
        }
        long cdStart = output.Position;
        central.Position = 0;
        central.CopyTo(output);
        var end = new byte[22];
        BinaryPrimitives.WriteUInt32LittleEndian(end, 0x06054b50);
        BinaryPrimitives.WriteUInt16LittleEndian(end.AsSpan(8), (ushort)entries.Count);
        BinaryPrimitives.WriteUInt16LittleEndian(end.AsSpan(10), (ushort)entries.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(end.AsSpan(12), (uint)central.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(end.AsSpan(16), (uint)cdStart);
        output.Write(end);
        return output.ToArray();
    }
}
