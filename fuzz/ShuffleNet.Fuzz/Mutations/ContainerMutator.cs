using System.IO.Compression;

namespace ShuffleNet.Fuzz.Mutations;

/// <summary>
/// Mutations that know torch.save's two containers: in a zip, the pickle in <c>data.pkl</c> (re-zipped), the
/// length, method and offset fields of local headers, central directory and end record, and entries deflated; in
/// the legacy format, one of its five pickles or the int64 element counts of the storages after them.
/// </summary>
internal static class ContainerMutator
{
    // (signature, field offsets and widths) of the zip records
    private static readonly (uint Signature, (int Offset, int Width)[] Fields)[] Records =
    [
        (0x04034b50, [(4, 2), (6, 2), (8, 2), (14, 4), (18, 4), (22, 4), (26, 2), (28, 2)]),
        (0x02014b50, [(8, 2), (10, 2), (16, 4), (20, 4), (24, 4), (28, 2), (30, 2), (32, 2), (42, 4)]),
        (0x06054b50, [(8, 2), (10, 2), (12, 4), (16, 4), (20, 2)]),
        (0x06064b50, [(24, 8), (32, 8), (40, 8), (48, 8)]),
    ];

    public static byte[] MutateZip(Random rng, byte[] zip, IReadOnlyList<byte[]> seeds) => rng.Next(10) switch
    {
        < 5 => Rezip(rng, zip, seeds, mutatePickle: true) ?? ByteMutator.Mutate(rng, zip, seeds),
        < 8 => EditHeader(rng, zip) ?? ByteMutator.Mutate(rng, zip, seeds),
        8 => Rezip(rng, zip, seeds, mutatePickle: false) ?? ByteMutator.Mutate(rng, zip, seeds),
        _ => ByteMutator.Mutate(rng, zip, seeds),
    };

    public static byte[] MutateLegacy(Random rng, byte[] file, IReadOnlyList<byte[]> seeds)
    {
        // the five pickles one after another, then the storages
        var bounds = new List<(int Start, int End)>();
        for (int pos = 0; bounds.Count < 5 && pos < file.Length;)
        {
            var ops = PickleOps.Parse(file, pos);
            if (ops.Count == 0 || ops[^1].Code != (byte)'.') break;
            bounds.Add((pos, ops[^1].Offset + ops[^1].Length));
            pos = bounds[^1].End;
        }
        if (bounds.Count < 5 || rng.Next(4) == 0) return ByteMutator.Mutate(rng, file, seeds);
        int storages = bounds[4].End;   // the first storage's count is at its start
        if (rng.Next(3) == 0)
            return ByteMutator.WriteInt(rng, file,
                storages + (rng.Next(2) == 0 ? 0 : rng.Next(Math.Max(1, file.Length - storages))));
        var (start, end) = bounds[rng.Next(2) == 0 ? 3 : rng.Next(5)];
        var mutated = PickleMutator.Mutate(rng, file[start..end], seeds);
        return [.. file.AsSpan(0, start), .. mutated, .. file.AsSpan(end)];
    }

    // the archive rewritten: data.pkl mutated, or entries deflated (torch.save stores them)
    private static byte[]? Rezip(Random rng, byte[] zip, IReadOnlyList<byte[]> seeds, bool mutatePickle)
    {
        List<(string Name, byte[] Data)> entries;
        try
        {
            using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
            entries = archive.Entries.Where(e => e.Length < 1 << 20).Select(e =>
            {
                using var s = e.Open();
                var data = new byte[e.Length];
                s.ReadExactly(data);
                return (e.FullName, data);
            }).ToList();
        }
        catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException) { return null; }
        if (entries.Any(e => e.Name.Length == 0)) return null;   // a mutated name ZipArchive cannot write back
        var output = new MemoryStream();
        using (var archive = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, data) in entries)
            {
                bool pickle = mutatePickle && name.EndsWith("data.pkl", StringComparison.Ordinal);
                var bytes = pickle ? PickleMutator.Mutate(rng, data, seeds) : data;
                bool deflate = !mutatePickle && rng.Next(2) == 0;
                var level = deflate ? CompressionLevel.Optimal : CompressionLevel.NoCompression;
                using var s = archive.CreateEntry(name, level).Open();
                s.Write(bytes);
            }
        return output.ToArray();
    }

    private static byte[]? EditHeader(Random rng, byte[] zip)
    {
        var found = new List<(int At, (int Offset, int Width)[] Fields)>();
        for (int i = 0; i + 4 <= zip.Length; i++)
            foreach (var (signature, fields) in Records)
                if (BitConverter.ToUInt32(zip, i) == signature) found.Add((i, fields));
        if (found.Count == 0) return null;
        var (at, fs) = found[rng.Next(found.Count)];
        var (offset, width) = fs[rng.Next(fs.Length)];
        if (at + offset + width > zip.Length) return null;
        var result = (byte[])zip.Clone();
        long v = rng.Next(2) == 0 ? ByteMutator.Interesting[rng.Next(ByteMutator.Interesting.Length)]
            : ByteMutator.ReadLittle(zip.AsSpan(at + offset, width)) + rng.Next(-8, 9);
        for (int b = 0; b < width; b++) result[at + offset + b] = (byte)(v >> (8 * b));
        return result;
    }

}
