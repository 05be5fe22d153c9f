using System.Buffers.Binary;

namespace ShuffleNet.Fuzz.Mutations;

/// <summary>
/// Format-blind mutations, AFL's classics: bit flips, interesting bytes and integers (little- and big-endian, so
/// length fields of zip, PNG and JPEG alike), truncation, deletion, duplication and splices from other seeds.
/// </summary>
internal static class ByteMutator
{
    /// <summary>Values that sit on the edges of sizes, counts and offsets.</summary>
    public static readonly long[] Interesting =
    [
        0, 1, -1, 2, 3, 7, 8, 16, 64, 100, 127, 128, 255, 256, 512, 1000, 1024, 4096, 32767, 32768, 65535, 65536,
        100_000, 1 << 20, int.MaxValue, int.MinValue, (long)int.MaxValue + 1, uint.MaxValue, 1L << 32,
        1L << 40, 1L << 53, 1L << 62, long.MaxValue, long.MinValue,
    ];

    public static byte[] Mutate(Random rng, byte[] input, IReadOnlyList<byte[]> seeds)
    {
        var d = input.ToList();
        switch (rng.Next(9))
        {
            case 0: // flip 1-8 bits
                for (int i = rng.Next(1, 9); i > 0 && d.Count > 0; i--)
                    d[rng.Next(d.Count)] ^= (byte)(1 << rng.Next(8));
                break;
            case 1: // an interesting or random byte
                if (d.Count > 0)
                {
                    long b = rng.Next(2) == 0 ? Interesting[rng.Next(Interesting.Length)] : rng.Next(256);
                    d[rng.Next(d.Count)] = (byte)b;
                }
                break;
            case 2: // an integer field edit: 1, 2, 4 or 8 bytes, either byte order
                return WriteInt(rng, input, rng.Next(input.Length + 1));
            case 3: // truncate
                { int keep = rng.Next(d.Count + 1); d.RemoveRange(keep, d.Count - keep); }
                break;
            case 4: // delete a range
                if (d.Count > 0)
                {
                    int at = rng.Next(d.Count);
                    d.RemoveRange(at, rng.Next(1, Math.Min(d.Count - at, 64) + 1));
                }
                break;
            case 5: // repeat a range, sometimes many times
                if (d.Count > 0)
                {
                    int at = rng.Next(d.Count), n = rng.Next(1, Math.Min(d.Count - at, 32) + 1);
                    var chunk = d.GetRange(at, n);
                    for (int k = rng.Next(2) == 0 ? 1 : rng.Next(2, 200); k > 0; k--) d.InsertRange(at, chunk);
                }
                break;
            case 6: // splice: a range of another seed over or into this one
                {
                    var other = seeds[rng.Next(seeds.Count)];
                    if (other.Length == 0) break;
                    int from = rng.Next(other.Length), at = rng.Next(d.Count + 1);
                    int n = rng.Next(1, Math.Min(other.Length - from, 256) + 1);
                    if (rng.Next(2) == 0) d.InsertRange(at, other.AsSpan(from, n).ToArray());
                    else for (int i = 0; i < n && at + i < d.Count; i++) d[at + i] = other[from + i];
                    break;
                }
            case 7: // insert random bytes
                for (int i = rng.Next(1, 16), at = rng.Next(d.Count + 1); i > 0; i--) d.Insert(at, (byte)rng.Next(256));
                break;
            default: // add a small delta to a byte
                if (d.Count > 0) { int at = rng.Next(d.Count); d[at] = (byte)(d[at] + rng.Next(-16, 17)); }
                break;
        }
        return d.ToArray();
    }

    /// <summary>Writes an edge, random or nearby integer at <paramref name="at"/>, appending if need be.</summary>
    public static byte[] WriteInt(Random rng, byte[] input, int at)
    {
        int width = new[] { 1, 2, 4, 8 }[rng.Next(4)];
        var d = new byte[Math.Max(input.Length, at + width)];
        input.CopyTo(d, 0);
        bool big = rng.Next(2) == 0;
        var span = d.AsSpan(at, width);
        long old = big ? ReadBig(span) : ReadLittle(span);
        long v = rng.Next(3) switch
        {
            0 => Interesting[rng.Next(Interesting.Length)],
            1 => old + rng.Next(-4, 5),
            _ => rng.NextInt64(),
        };
        Span<byte> le = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(le, v);
        for (int i = 0; i < width; i++) span[big ? width - 1 - i : i] = le[i];
        return d;
    }

    internal static long ReadLittle(ReadOnlySpan<byte> s)
    {
        long v = 0;
        for (int i = s.Length - 1; i >= 0; i--) v = (v << 8) | s[i];
        return v;
    }

    private static long ReadBig(ReadOnlySpan<byte> s) { long v = 0; foreach (var b in s) v = (v << 8) | b; return v; }
}
