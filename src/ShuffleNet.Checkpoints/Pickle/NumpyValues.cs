using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace ShuffleNet.Checkpoints;

/// <summary>
/// Decodes the numpy scalars and py2-compatible bytes that checkpoint <c>meta</c> dicts hold (an epoch as
/// <c>np.int64</c>, a loss as <c>np.float64</c>) into plain values, from their bytes, without numpy.
/// </summary>
internal static class NumpyValues
{
    /// <summary><c>_codecs.encode(text, 'latin1')</c>: how protocol 2 pickles Python 3 bytes.</summary>
    public static byte[] Encode(object?[] args, string source) => args switch
    {
        [string s] => Encoding.Latin1.GetBytes(s),
        [string s, "latin1" or "latin-1" or "iso-8859-1"] => Encoding.Latin1.GetBytes(s),
        [string s, "utf-8" or "utf8"] => Encoding.UTF8.GetBytes(s),
        _ => throw new CheckpointException($"checkpoint '{source}' encodes bytes in a way other than latin1/utf-8; " +
            "not supported"),
    };

    /// <summary><c>numpy.core.multiarray.scalar(dtype, bytes)</c> as a long, double or bool.</summary>
    public static object Scalar(NumpyDType dtype, byte[] bytes, string source)
    {
        var b = (byte[])bytes.Clone();
        if (dtype.ByteOrder == '>') Array.Reverse(b);
        object? value = (dtype.Code, b.Length) switch
        {
            ("f8", 8) => BinaryPrimitives.ReadDoubleLittleEndian(b),
            ("f4", 4) => (double)BinaryPrimitives.ReadSingleLittleEndian(b),
            ("f2", 2) => (double)BinaryPrimitives.ReadHalfLittleEndian(b),
            ("i8", 8) => BinaryPrimitives.ReadInt64LittleEndian(b),
            ("i4", 4) => (long)BinaryPrimitives.ReadInt32LittleEndian(b),
            ("i2", 2) => (long)BinaryPrimitives.ReadInt16LittleEndian(b),
            ("i1", 1) => (long)(sbyte)b[0],
            ("u8", 8) => BinaryPrimitives.ReadUInt64LittleEndian(b) is var u && u <= long.MaxValue ? (long)u
                : (BigInteger)u,
            ("u4", 4) => (long)BinaryPrimitives.ReadUInt32LittleEndian(b),
            ("u2", 2) => (long)BinaryPrimitives.ReadUInt16LittleEndian(b),
            ("u1", 1) => (long)b[0],
            ("b1", 1) => b[0] != 0,
            _ => null,
        };
        return value ?? throw new CheckpointException($"checkpoint '{source}' holds a numpy scalar of dtype " +
            $"'{dtype.Code}', which is not supported");
    }

    /// <summary>
    /// numpy's name for a dtype code, e.g. <c>f4</c> is <c>float32</c>; what a dtype in meta becomes.
    /// </summary>
    public static string Name(NumpyDType dtype) => dtype.Code switch
    {
        "f8" => "float64", "f4" => "float32", "f2" => "float16",
        "i8" => "int64", "i4" => "int32", "i2" => "int16", "i1" => "int8",
        "u8" => "uint64", "u4" => "uint32", "u2" => "uint16", "u1" => "uint8", "b1" => "bool",
        var other => other,
    };
}
