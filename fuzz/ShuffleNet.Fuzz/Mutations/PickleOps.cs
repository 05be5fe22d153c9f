namespace ShuffleNet.Fuzz.Mutations;

/// <summary>How a pickle opcode's argument is encoded (pickletools' argument descriptors, folded).</summary>
internal enum ArgKind { None, U1, U2, I4, U4Index, U8, F8, Line, TwoLines, Len1, Len4, Len8, SignedLen4 }

/// <summary>One opcode of a parsed pickle: where it starts and how many bytes it spans with its argument.</summary>
internal readonly record struct PickleOp(int Offset, int Length, byte Code, ArgKind Kind);

/// <summary>
/// Splits a pickle into opcodes (protocols 0-5), so mutations can delete, repeat, move and rewrite whole
/// instructions and their arguments instead of only bytes.
/// </summary>
internal static class PickleOps
{
    public static ArgKind KindOf(byte op) => op switch
    {
        (byte)'K' or (byte)'h' or (byte)'q' or 0x80 or 0x82 => ArgKind.U1,
        (byte)'M' or 0x83 => ArgKind.U2,
        (byte)'J' or 0x84 => ArgKind.I4,
        (byte)'j' or (byte)'r' => ArgKind.U4Index,
        0x95 => ArgKind.U8,
        (byte)'G' => ArgKind.F8,
        (byte)'I' or (byte)'L' or (byte)'F' or (byte)'S' or (byte)'V' or (byte)'g' or (byte)'p' or (byte)'P'
            => ArgKind.Line,
        (byte)'c' or (byte)'i' => ArgKind.TwoLines,
        (byte)'U' or (byte)'C' or 0x8c or 0x8a => ArgKind.Len1,
        (byte)'T' or (byte)'X' or (byte)'B' => ArgKind.Len4,
        0x8b => ArgKind.SignedLen4,
        0x8d or 0x8e or 0x96 => ArgKind.Len8,
        _ => ArgKind.None,
    };

    /// <summary>Every opcode a pickle may hold, for inserting new ones.</summary>
    public static readonly byte[] Known = "(.012FIJKLMNPQRSTUVXabcdeghijlopqrstu}])GBC"u8.ToArray()
        .Concat(Enumerable.Range(0x80, 0x19).Select(i => (byte)i)).Distinct().ToArray();

    /// <summary>The opcodes up to STOP, or to where the bytes stop making sense (the rest is left as a tail).</summary>
    public static List<PickleOp> Parse(byte[] data, int start = 0)
    {
        var ops = new List<PickleOp>();
        int pos = start;
        while (pos < data.Length)
        {
            byte code = data[pos];
            var kind = KindOf(code);
            int length = ArgLength(data, pos + 1, kind);
            if (length < 0) break;
            ops.Add(new PickleOp(pos, 1 + length, code, kind));
            pos += 1 + length;
            if (code == (byte)'.') break;
        }
        return ops;
    }

    private static int ArgLength(byte[] d, int at, ArgKind kind)
    {
        long n = kind switch
        {
            ArgKind.None => 0,
            ArgKind.U1 => 1,
            ArgKind.U2 => 2,
            ArgKind.I4 or ArgKind.U4Index => 4,
            ArgKind.U8 or ArgKind.F8 => 8,
            ArgKind.Line => Line(d, at),
            ArgKind.TwoLines => Line(d, at) is var a and >= 0 && Line(d, at + (int)a) is var b and >= 0 ? a + b : -1,
            ArgKind.Len1 => at < d.Length ? 1 + d[at] : -1,
            ArgKind.Len4 or ArgKind.SignedLen4 => at + 4 <= d.Length ? 4 + (long)BitConverter.ToUInt32(d, at) : -1,
            ArgKind.Len8 => at + 8 <= d.Length ? 8 + BitConverter.ToInt64(d, at) : -1,
            _ => -1,
        };
        return n < 0 || at + n > d.Length ? -1 : (int)n;
    }

    private static long Line(byte[] d, int at)
    {
        int end = at < d.Length ? Array.IndexOf(d, (byte)'\n', at) : -1;
        return end < 0 ? -1 : end - at + 1;
    }
}
