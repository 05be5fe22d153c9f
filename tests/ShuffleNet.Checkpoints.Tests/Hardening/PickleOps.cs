using System.Buffers.Binary;
using System.Text;

namespace ShuffleNet.Checkpoints.Tests.Hardening;

/// <summary>
/// Writes pickle opcodes one by one (names from CPython's pickletools), so a test can craft exactly the stream an
/// attacker would: deep nesting, memo cycles, garbage where a number belongs.
/// </summary>
internal sealed class PickleOps
{
    private readonly MemoryStream _s = new();

    public PickleOps Op(char op) { _s.WriteByte((byte)op); return this; }

    public PickleOps Op(byte op) { _s.WriteByte(op); return this; }

    /// <summary>Bytes as they are, e.g. <c>"I12x\n"</c>: an INT whose text is not a number.</summary>
    public PickleOps Raw(string latin1) { _s.Write(Encoding.Latin1.GetBytes(latin1)); return this; }

    public PickleOps Proto(byte version = 2) => Op(0x80).Op(version);

    public PickleOps Global(string module, string name) => Op('c').Raw($"{module}\n{name}\n");

    public PickleOps Str(string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        Op('X');
        Span<byte> n = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(n, bytes.Length);
        _s.Write(n);
        _s.Write(bytes);
        return this;
    }

    /// <summary>BININT for 32-bit values, else LONG1 (little-endian two's complement).</summary>
    public PickleOps Int(long v)
    {
        if (v is >= int.MinValue and <= int.MaxValue)
        {
            Op('J');
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(b, (int)v);
            _s.Write(b);
            return this;
        }
        var bytes = new System.Numerics.BigInteger(v).ToByteArray();
        Op(0x8a).Op((byte)bytes.Length);
        _s.Write(bytes);
        return this;
    }

    public PickleOps Ints(params long[] values)
    {
        Op('(');
        foreach (var v in values) Int(v);
        return Op('t');
    }

    /// <summary>LONG_BINPUT: memoise the top of the stack under <paramref name="index"/>.</summary>
    public PickleOps Put(int index) => Op('r').Le32(index);

    /// <summary>BINGET (LONG_BINGET from 256): push memo entry <paramref name="index"/>.</summary>
    public PickleOps Get(int index) => index < 256 ? Op('h').Op((byte)index) : Op('j').Le32(index);

    public PickleOps Stop() => Op('.');

    public byte[] ToArray() => _s.ToArray();

    private PickleOps Le32(int v)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, v);
        _s.Write(b);
        return this;
    }
}
