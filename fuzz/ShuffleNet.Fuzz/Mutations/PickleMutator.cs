using System.Text;

namespace ShuffleNet.Fuzz.Mutations;

/// <summary>
/// Structure-aware pickle mutations: whole opcodes deleted, repeated, swapped, moved or inserted; arguments
/// rewritten (integers on their edges, declared lengths that lie, numbers that are not numbers, globals on and off
/// the allow-list, memo indices that make cycles); deep nesting; opcode runs spliced from another pickle.
/// </summary>
internal static class PickleMutator
{
    private static readonly string[] Lines =
    [
        "0", "1", "-1", "00", "01", "12x", "", "inf", "-inf", "nan", "1e309", "-1e309", "1.5", "1.5.5", "0x10", " 7",
        "99999999999999999999999", "-9223372036854775809", "'abc'", "\"x\"", "abc", "0L", "L", "+", "\u00e9",
        new string('9', 5000),
    ];

    private static readonly string[] Globals =
    [
        "torch._utils\n_rebuild_tensor_v2", "torch._utils\n_rebuild_tensor", "torch._utils\n_rebuild_parameter",
        "torch._utils\n_rebuild_parameter_with_state", "torch._tensor\n_rebuild_from_type_v2",
        "collections\nOrderedDict", "torch\nFloatStorage", "torch\nLongStorage", "torch\nHalfStorage",
        "torch\nBoolStorage", "torch\nUntypedStorage",
        "torch\nfloat32", "torch\nbfloat16", "numpy\ndtype", "numpy.core.multiarray\nscalar", "_codecs\nencode",
        "__builtin__\nset", "builtins\nfrozenset", "torch.nn.parameter\nParameter", "torch\nTensor",
        "torch._tensor\nTensor",
        "os\nsystem", "builtins\neval", "posix\nsystem", "torch\nload", "collections\ndefaultdict", "builtins\ngetattr",
    ];

    private static readonly double[] Doubles =
    [
        0, -0.0, 1, -1, 0.5, double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.MaxValue,
        double.Epsilon, 1e300,
    ];

    public static byte[] Mutate(Random rng, byte[] pickle, IReadOnlyList<byte[]> others)
    {
        var ops = PickleOps.Parse(pickle);
        if (ops.Count == 0) return ByteMutator.Mutate(rng, pickle, others);
        var parts = ops.Select(o => pickle.AsSpan(o.Offset, o.Length).ToArray()).ToList();
        int tailStart = ops[^1].Offset + ops[^1].Length;
        var tail = pickle.AsSpan(tailStart).ToArray();
        int i = rng.Next(parts.Count);
        switch (rng.Next(10))
        {
            case 0: parts.RemoveAt(i); break;
            case 1: for (int k = rng.Next(4) == 0 ? rng.Next(2, 2000) : 1; k > 0; k--) parts.Insert(i, parts[i]); break;
            case 2: { int j = rng.Next(parts.Count); (parts[i], parts[j]) = (parts[j], parts[i]); break; }
            case 3: { var op = parts[i]; parts.RemoveAt(i); parts.Insert(rng.Next(parts.Count + 1), op); break; }
            case 4: parts.Insert(i, NewOp(rng, PickleOps.Known[rng.Next(PickleOps.Known.Length)])); break;
            case 5: case 6: parts[i] = Rewrite(rng, ops[i], parts[i]); break;
            case 7: parts.Insert(i, Nest(rng)); break;
            case 8: // memo games: refer to another (often earlier, so enclosing) memo slot
                {
                    var memo = Enumerable.Range(0, parts.Count)
                        .Where(k => ops[k].Code is (byte)'h' or (byte)'q' or (byte)'j' or (byte)'r').ToList();
                    if (memo.Count == 0) goto case 4;
                    int m = memo[rng.Next(memo.Count)];
                    byte code = ops[m].Code, slot = (byte)rng.Next(8);
                    parts[m] = code is (byte)'h' or (byte)'q' ? [code, slot] : [code, slot, 0, 0, 0];
                    break;
                }
            default: // a run of opcodes from another pickle
                {
                    var other = others[rng.Next(others.Count)];
                    var theirs = PickleOps.Parse(other);
                    if (theirs.Count == 0) break;
                    int from = rng.Next(theirs.Count), n = rng.Next(1, Math.Min(theirs.Count - from, 40) + 1);
                    parts.InsertRange(i, theirs.Skip(from).Take(n).Select(o => other[o.Offset..(o.Offset + o.Length)]));
                    break;
                }
        }
        return [.. pickle.AsSpan(0, ops[0].Offset), .. parts.SelectMany(p => p), .. tail];
    }

    // an argument rewritten in place, by kind
    private static byte[] Rewrite(Random rng, PickleOp op, byte[] part)
    {
        switch (op.Kind)
        {
            case ArgKind.U1: case ArgKind.U2: case ArgKind.I4: case ArgKind.U4Index: case ArgKind.U8:
                return ByteMutator.WriteInt(rng, part, 1)[..part.Length];
            case ArgKind.F8:
                return [op.Code, .. BitConverter.GetBytes(Doubles[rng.Next(Doubles.Length)]).Reverse()];
            case ArgKind.Line:
                return [op.Code, .. Encoding.UTF8.GetBytes(Lines[rng.Next(Lines.Length)] + "\n")];
            case ArgKind.TwoLines:
                return [op.Code, .. Encoding.UTF8.GetBytes(Globals[rng.Next(Globals.Length)] + "\n")];
            case ArgKind.Len1: case ArgKind.Len4: case ArgKind.Len8: case ArgKind.SignedLen4:
                // a declared length that lies, or a payload of other text
                if (rng.Next(2) == 0) return ByteMutator.WriteInt(rng, part, 1)[..part.Length];
                return NewOp(rng, op.Code);
            default:
                return [PickleOps.Known[rng.Next(PickleOps.Known.Length)]];
        }
    }

    /// <summary>An opcode with an argument of the right shape, mostly plausible values.</summary>
    private static byte[] NewOp(Random rng, byte code)
    {
        var payload = Encoding.UTF8.GetBytes(rng.Next(3) switch
        {
            0 => "storage", 1 => Lines[rng.Next(Lines.Length)], _ => ((char)('a' + rng.Next(26))).ToString(),
        });
        return PickleOps.KindOf(code) switch
        {
            ArgKind.None => [code],
            ArgKind.U1 => [code, (byte)rng.Next(rng.Next(2) == 0 ? 8 : 256)],
            ArgKind.U2 => [code, .. BitConverter.GetBytes((ushort)Edge(rng))],
            ArgKind.I4 or ArgKind.U4Index => [code, .. BitConverter.GetBytes((int)Edge(rng))],
            ArgKind.U8 => [code, .. BitConverter.GetBytes((long)rng.Next(64))],
            ArgKind.F8 => [code, .. BitConverter.GetBytes(Doubles[rng.Next(Doubles.Length)]).Reverse()],
            ArgKind.Line => [code, .. Encoding.UTF8.GetBytes(Lines[rng.Next(Lines.Length)] + "\n")],
            ArgKind.TwoLines => [code, .. Encoding.UTF8.GetBytes(Globals[rng.Next(Globals.Length)] + "\n")],
            ArgKind.Len1 => [code, (byte)payload.Length, .. payload],
            ArgKind.Len4 or ArgKind.SignedLen4 => [code, .. BitConverter.GetBytes(payload.Length), .. payload],
            _ => [code, .. BitConverter.GetBytes((long)payload.Length), .. payload],
        };
    }

    private static readonly byte[] Put = [(byte)'r', 0xff, 0xff, 0, 0], Get = [(byte)'j', 0xff, 0xff, 0, 0];

    private static byte[] Repeat(ReadOnlySpan<byte> unit, int n)
    {
        var result = new byte[unit.Length * n];
        for (int i = 0; i < n; i++) unit.CopyTo(result.AsSpan(i * unit.Length));
        return result;
    }

    private static long Edge(Random rng) => ByteMutator.Interesting[rng.Next(ByteMutator.Interesting.Length)];

    // containers or tensor wrappers nested up to 200,000 deep (the global in memo slot 65535: clear of the pickle's)
    private static byte[] Nest(Random rng)
    {
        int n = rng.Next(10) switch
        {
            < 6 => rng.Next(2, 600), < 9 => rng.Next(600, 5000), _ => rng.Next(5000, 200_000),
        };
        return rng.Next(5) switch
        {
            0 => [.. Enumerable.Repeat((byte)']', n), .. Enumerable.Repeat((byte)'a', n - 1)],
            1 => [(byte)')', .. Enumerable.Repeat((byte)0x85, n)],
            2 => [.. Enumerable.Repeat((byte)'(', n), .. Enumerable.Repeat((byte)'l', n)],
            3 => [.. "ctorch._tensor\n_rebuild_from_type_v2\n"u8, .. Put, .. Repeat([(byte)'(', .. Get, .. Get], n),
                  (byte)'N', .. Repeat("}t"u8, n), (byte)'R'],
            _ => [.. Repeat("}U\u0001k"u8, n), (byte)'}', .. Enumerable.Repeat((byte)'s', n)],
        };
    }
}
