using System.Buffers.Binary;
using ShuffleNet.Checkpoints;

namespace ShuffleNet.Fuzz.Mutations;

/// <summary>
/// Image mutations that get past the first checks: header fields (PNG IHDR size, depth and colour type; JPEG
/// SOF size and components) set to edge values, and PNG chunk CRCs recomputed after a mutation, so libpng reads on
/// instead of refusing the chunk.
/// </summary>
internal static class ImageMutator
{
    public static byte[] Mutate(Random rng, byte[] input, IReadOnlyList<byte[]> seeds) => rng.Next(3) switch
    {
        0 => FixPngCrcs(ByteMutator.Mutate(rng, input, seeds)),
        1 => FixPngCrcs(EditHeader(rng, input) ?? ByteMutator.Mutate(rng, input, seeds)),
        _ => ByteMutator.Mutate(rng, input, seeds),
    };

    private static bool IsPng(byte[] d) => d is [0x89, (byte)'P', (byte)'N', (byte)'G', _, _, _, _, _, ..];

    private static byte[]? EditHeader(Random rng, byte[] input)
    {
        var d = (byte[])input.Clone();
        if (IsPng(d) && d.Length >= 33)
        {
            // IHDR data at 16: width (4), height (4), bit depth, colour type, compression, filter, interlace
            var fields = new[] { (16, 4), (20, 4), (24, 1), (25, 1), (26, 1), (27, 1), (28, 1) };
            var (at, width) = fields[rng.Next(fields.Length)];
            return width == 4 ? SetBig(d, at, Edge(rng), 4) : ByteMutator.WriteInt(rng, d, at)[..d.Length];
        }
        for (int i = 2; i + 9 < d.Length; i++)
            if (d[i] == 0xFF && d[i + 1] is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                // SOFn: length (2), precision (1), height (2), width (2), components (1)
                var fields = new[] { (i + 2, 2), (i + 4, 1), (i + 5, 2), (i + 7, 2), (i + 9, 1) };
                var (at, width) = fields[rng.Next(fields.Length)];
                return SetBig(d, at, Edge(rng), width);
            }
        return null;
    }

    private static long Edge(Random rng) =>
        rng.Next(3) == 0 ? rng.Next(1, 70_000) : ByteMutator.Interesting[rng.Next(ByteMutator.Interesting.Length)];

    private static byte[] SetBig(byte[] d, int at, long value, int width)
    {
        for (int b = 0; b < width; b++) d[at + b] = (byte)(value >> (8 * (width - 1 - b)));
        return d;
    }

    /// <summary>Recomputes every chunk's CRC where the chunk lengths still walk the file.</summary>
    private static byte[] FixPngCrcs(byte[] d)
    {
        if (!IsPng(d)) return d;
        for (int pos = 8; pos + 12 <= d.Length;)
        {
            long length = BinaryPrimitives.ReadUInt32BigEndian(d.AsSpan(pos));
            if (pos + 12 + length > d.Length) break;
            uint crc = Crc32.Compute(d.AsSpan(pos + 4, 4 + (int)length));   // type and data
            BinaryPrimitives.WriteUInt32BigEndian(d.AsSpan(pos + 8 + (int)length), crc);
            pos += 12 + (int)length;
        }
        return d;
    }
}
