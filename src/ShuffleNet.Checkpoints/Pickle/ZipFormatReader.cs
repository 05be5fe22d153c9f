using System.IO.Compression;

namespace ShuffleNet.Checkpoints;

/// <summary>
/// Reads torch.save's zip format (PyTorch 1.6+): <c>&lt;top&gt;/data.pkl</c> whose persistent ids
/// <c>('storage', type, key, location, numel)</c> name <c>&lt;top&gt;/data/&lt;key&gt;</c>. The top folder is
/// <c>archive</c> or the file's stem, so it is taken from wherever data.pkl sits.
/// </summary>
/// <remarks>
/// Sizes are checked before anything is allocated: a storage entry must declare exactly the bytes its persistent id
/// needs, no entry is inflated past what it declares, and entries that inflate (torch.save stores them uncompressed,
/// so only a re-zipped or crafted file has any) may together grow the file by at most
/// <see cref="InflationAllowance"/>. A deflate bomb is refused before it costs memory or time.
/// </remarks>
internal sealed class ZipFormatReader
{
    /// <summary>How many bytes compressed entries may add beyond the file's own size.</summary>
    public const long InflationAllowance = 256L << 20;

    private readonly string _source;
    private readonly long _fileLength;
    private long _inflated;

    private ZipFormatReader(string source, long fileLength) => (_source, _fileLength) = (source, fileLength);

    public static object? Read(byte[] file, string source) => new ZipFormatReader(source, file.LongLength).Read(file);

    private object? Read(byte[] file)
    {
        using var zip = new ZipArchive(new MemoryStream(file, writable: false), ZipArchiveMode.Read);
        var pkl = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal)
                && e.FullName.Count(c => c == '/') == 1)
            ?? throw Bad("is a zip file but not a PyTorch checkpoint: it has no '<folder>/data.pkl'");
        var top = pkl.FullName[..^"data.pkl".Length];
        if (zip.GetEntry(top + "byteorder") is { Length: <= 16 } order
            && System.Text.Encoding.ASCII.GetString(ReadAll(order, order.Length)).Trim() == "big")
            throw Bad("was saved on a big-endian machine, which is not supported; re-save it on a little-endian one");
        var storages = new Dictionary<string, StorageRef>(StringComparer.Ordinal);
        object? PersistentLoad(object?[] pid)
        {
            if (pid is not ["storage", DType dtype, string key, _, long numel])
                throw Bad("has a persistent id that is not a tensor storage; refused");
            if (storages.TryGetValue(key, out var s)) return s;
            var entry = zip.GetEntry($"{top}data/{key}")
                ?? throw Bad($"lacks tensor data '{top}data/{key}'; is the file complete?");
            int es = TensorData.ElementSize(dtype);
            if (numel < 0 || numel > long.MaxValue / es)
                throw Bad($"declares storage '{key}' of {numel} elements; the file is corrupt or crafted");
            return storages[key] = new StorageRef(dtype, key, numel) { Data = ReadAll(entry, numel * es) };
        }
        return new Unpickler(ReadAll(pkl, pkl.Length), 0, _source, PersistentLoad).Load();
    }

    /// <summary>The entry's bytes, when it declares exactly <paramref name="needed"/> within the budget.</summary>
    private byte[] ReadAll(ZipArchiveEntry entry, long needed)
    {
        if (entry.Length != needed)
            throw Bad($"entry '{entry.FullName}' declares {entry.Length:N0} bytes where its tensor storage needs " +
                $"{needed:N0}; the file is corrupt or crafted");
        if (entry.Length > Array.MaxLength)
            throw Bad($"entry '{entry.FullName}' is larger than 2 GB; not supported");
        long growth = entry.Length - Math.Min(entry.CompressedLength, entry.Length);
        if (growth > 0 && (_inflated += growth) > _fileLength + InflationAllowance)
            throw Bad("has compressed entries that would inflate to more than " +
                $"{(_fileLength + InflationAllowance) >> 20} MB ('{entry.FullName}': " +
                $"{entry.CompressedLength:N0} bytes declare {entry.Length:N0}); torch.save stores tensors " +
                "uncompressed: refused as a possible zip bomb. Re-save it with torch.save");
        var bytes = new byte[entry.Length];
        try
        {
            using var s = entry.Open();
            s.ReadExactly(bytes);   // never more than declared, whatever the deflate stream would go on to produce
        }
        catch (EndOfStreamException e)
        {
            throw new CheckpointException($"checkpoint '{_source}' entry '{entry.FullName}' ends before its declared " +
                $"{entry.Length:N0} bytes; is it truncated? Download or copy it again", e);
        }
        return bytes;
    }

    private CheckpointException Bad(string what) => new($"checkpoint '{_source}' {what}");
}
