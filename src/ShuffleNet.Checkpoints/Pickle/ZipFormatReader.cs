using System.IO.Compression;

namespace ShuffleNet.Checkpoints;

/// <summary>
/// Reads torch.save's zip format (PyTorch 1.6+): <c>&lt;top&gt;/data.pkl</c> whose persistent ids
/// <c>('storage', type, key, location, numel)</c> name <c>&lt;top&gt;/data/&lt;key&gt;</c>. The top folder is
/// <c>archive</c> or the file's stem, so it is taken from wherever data.pkl sits.
/// </summary>
internal static class ZipFormatReader
{
    public static object? Read(byte[] file, string source)
    {
        using var zip = new ZipArchive(new MemoryStream(file, writable: false), ZipArchiveMode.Read);
        var pkl = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) && e.FullName.Count(c => c == '/') == 1)
            ?? throw new CheckpointException($"checkpoint '{source}' is a zip file but not a PyTorch checkpoint: it has no '<folder>/data.pkl'");
        var top = pkl.FullName[..^"data.pkl".Length];
        if (zip.GetEntry(top + "byteorder") is { } order && ReadAll(order, source) is var o && System.Text.Encoding.ASCII.GetString(o).Trim() == "big")
            throw new CheckpointException($"checkpoint '{source}' was saved on a big-endian machine, which is not supported; re-save it on a little-endian one");
        var storages = new Dictionary<string, StorageRef>(StringComparer.Ordinal);
        object? PersistentLoad(object?[] pid)
        {
            if (pid is not ["storage", DType dtype, string key, _, long numel])
                throw new CheckpointException($"checkpoint '{source}' has a persistent id that is not a tensor storage; refused");
            if (storages.TryGetValue(key, out var s)) return s;
            var entry = zip.GetEntry($"{top}data/{key}")
                ?? throw new CheckpointException($"checkpoint '{source}' lacks tensor data '{top}data/{key}'; is the file complete?");
            return storages[key] = new StorageRef(dtype, key, numel) { Data = ReadAll(entry, source) };
        }
        return new Unpickler(ReadAll(pkl, source), 0, source, PersistentLoad).Load();
    }

    private static byte[] ReadAll(ZipArchiveEntry entry, string source)
    {
        if (entry.Length > Array.MaxLength) throw new CheckpointException($"checkpoint '{source}' entry '{entry.FullName}' is larger than 2 GB; not supported");
        var bytes = new byte[entry.Length];
        using var s = entry.Open();
        s.ReadExactly(bytes);
        return bytes;
    }
}
