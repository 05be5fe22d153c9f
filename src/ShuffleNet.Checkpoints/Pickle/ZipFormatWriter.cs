using System.Buffers.Binary;
using System.Text;

namespace ShuffleNet.Checkpoints;

/// <summary>
/// Writes torch.save's zip format as PyTorch's own writer does: stored entries (no compression), each
/// entry's data aligned to 64 bytes by an <c>FB</c> padding extra field in its local header, so the
/// file can be memory-mapped. Written by hand because <c>ZipArchive</c> cannot pad local headers.
/// </summary>
internal static class ZipFormatWriter
{
    private const int Alignment = 64;

    public static void Write(Stream output, string top, byte[] dataPkl, IReadOnlyList<byte[]> storages)
    {
        var central = new List<(string Name, uint Crc, long Size, long Offset)>();
        void Add(string name, byte[] data)
        {
            long offset = output.Position;
            if (offset + data.LongLength > uint.MaxValue - 1) throw new IOException("checkpoint larger than 4 GB " +
                "(zip64) is not supported");
            var nameBytes = Encoding.UTF8.GetBytes(name);
            long start = offset + 30 + nameBytes.Length + 4;
            int padding = (int)((Alignment - start % Alignment) % Alignment);
            uint crc = Crc32.Compute(data);
            var header = new byte[30 + nameBytes.Length + 4 + padding];
            var h = header.AsSpan();
            BinaryPrimitives.WriteUInt32LittleEndian(h, 0x04034b50);
            BinaryPrimitives.WriteUInt16LittleEndian(h[4..], 20);          // version needed
            BinaryPrimitives.WriteUInt16LittleEndian(h[8..], 0);           // stored
            // DOS date 1980-01-01, fixed for reproducible files
            BinaryPrimitives.WriteUInt16LittleEndian(h[12..], 0x21);
            BinaryPrimitives.WriteUInt32LittleEndian(h[14..], crc);
            BinaryPrimitives.WriteUInt32LittleEndian(h[18..], (uint)data.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(h[22..], (uint)data.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(h[26..], (ushort)nameBytes.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(h[28..], (ushort)(4 + padding));
            nameBytes.CopyTo(h[30..]);
            var extra = h[(30 + nameBytes.Length)..];
            extra[0] = (byte)'F'; extra[1] = (byte)'B';
            BinaryPrimitives.WriteUInt16LittleEndian(extra[2..], (ushort)padding);
            extra[4..].Fill((byte)'Z');
            output.Write(header);
            output.Write(data);
            central.Add((name, crc, data.LongLength, offset));
        }
        Add($"{top}/data.pkl", dataPkl);
        Add($"{top}/byteorder", Encoding.ASCII.GetBytes("little"));
        for (int i = 0; i < storages.Count; i++) Add($"{top}/data/{i}", storages[i]);
        Add($"{top}/version", Encoding.ASCII.GetBytes("3\n"));

        long cdStart = output.Position;
        foreach (var (name, crc, size, offset) in central)
        {
            var nameBytes = Encoding.UTF8.GetBytes(name);
            var c = new byte[46 + nameBytes.Length];
            var s = c.AsSpan();
            BinaryPrimitives.WriteUInt32LittleEndian(s, 0x02014b50);
            BinaryPrimitives.WriteUInt16LittleEndian(s[4..], 20);          // version made by
            BinaryPrimitives.WriteUInt16LittleEndian(s[6..], 20);          // version needed
            BinaryPrimitives.WriteUInt16LittleEndian(s[14..], 0x21);
            BinaryPrimitives.WriteUInt32LittleEndian(s[16..], crc);
            BinaryPrimitives.WriteUInt32LittleEndian(s[20..], (uint)size);
            BinaryPrimitives.WriteUInt32LittleEndian(s[24..], (uint)size);
            BinaryPrimitives.WriteUInt16LittleEndian(s[28..], (ushort)nameBytes.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(s[42..], (uint)offset);
            nameBytes.CopyTo(s[46..]);
            output.Write(c);
        }
        var end = new byte[22];
        var e = end.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(e, 0x06054b50);
        BinaryPrimitives.WriteUInt16LittleEndian(e[8..], (ushort)central.Count);
        BinaryPrimitives.WriteUInt16LittleEndian(e[10..], (ushort)central.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(e[12..], (uint)(output.Position - cdStart));
        BinaryPrimitives.WriteUInt32LittleEndian(e[16..], (uint)cdStart);
        output.Write(end);
    }
}

/// <summary>CRC-32 (IEEE, reflected 0xEDB88320), as zip requires; the BCL's lives in a NuGet package.</summary>
internal static class Crc32
{
    private static readonly uint[] Table = Enumerable.Range(0, 256).Select(n =>
    {
        uint c = (uint)n;
        for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (var b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }
}
