using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;

namespace ShuffleNet.Checkpoints;

/// <summary>
/// Reads torch.save's legacy format (before PyTorch 1.6, or <c>_use_new_zipfile_serialization=False</c>):
/// five pickles in a row (magic number, protocol version, sys_info, the object, the sorted storage keys),
/// then per key an int64 element count and the raw storage bytes.
/// </summary>
internal static class LegacyFormatReader
{
    private static readonly BigInteger Magic = BigInteger.Parse("01950a86a20f9469cfc6c", NumberStyles.HexNumber,
        CultureInfo.InvariantCulture);

    public static object? Read(byte[] file, string source)
    {
        object? NoPersistentIds(object?[] _) => throw new CheckpointException($"checkpoint '{source}' is corrupt: a " +
            "persistent id outside the object pickle");
        int pos = 0;
        object? Next(Func<object?[], object?> persistentLoad)
        {
            var u = new Unpickler(file, pos, source, persistentLoad);
            var value = u.Load();
            pos = u.Position;
            return value;
        }
        var magic = Next(NoPersistentIds);
        if (magic is not BigInteger m || m != Magic)
            throw new CheckpointException($"checkpoint '{source}' is a pickle but not a torch.save file (no PyTorch " +
                "magic number); refused");
        if (Next(NoPersistentIds) is not 1001L)
            throw new CheckpointException($"checkpoint '{source}' has an unknown legacy protocol version; re-save it " +
                "with a recent PyTorch");
        if (Next(NoPersistentIds) is OrderedDictionary<object, object?> sysInfo && sysInfo.TryGetValue("little_endian",
            out var le) && le is false)
            throw new CheckpointException($"checkpoint '{source}' was saved on a big-endian machine, which is not " +
                "supported");

        var roots = new Dictionary<string, StorageRef>(StringComparer.Ordinal);
        var views = new Dictionary<string, StorageRef>(StringComparer.Ordinal);
        object? PersistentLoad(object?[] pid)
        {
            if (pid is not ["storage", DType dtype, string rootKey, _, long numel, var viewMetadata])
                throw new CheckpointException($"checkpoint '{source}' has a persistent id that is not a tensor " +
                    "storage; refused");
            if (!roots.TryGetValue(rootKey, out var root)) roots[rootKey] = root = new StorageRef(dtype, rootKey,
                numel);
            if (viewMetadata is not object?[] { Length: 3 } v) return root;
            // pre-1.0 files could pickle storage views: (view_key, element offset, element count) into the root
            if (v is not [string viewKey, long offset, long size]) throw new CheckpointException($"checkpoint " +
                $"'{source}' has a malformed storage view");
            if (!views.TryGetValue(viewKey, out var view)) views[viewKey] = view = new StorageRef(dtype, viewKey,
                size) { Root = root, ViewOffset = offset };
            return view;
        }
        var result = Next(PersistentLoad);
        if (Next(NoPersistentIds) is not List<object?> keys)
            throw new CheckpointException($"checkpoint '{source}' is corrupt: the storage key list is missing");
        foreach (var key in keys)
        {
            if (key is not string k || !roots.TryGetValue(k, out var storage))
                throw new CheckpointException($"checkpoint '{source}' is corrupt: storage '{key}' is listed but " +
                    "never used");
            if (file.Length - pos < 8) throw Truncated(source);
            long numel = BinaryPrimitives.ReadInt64LittleEndian(file.AsSpan(pos, 8));
            pos += 8;
            // the bytes must be in the file: checked before the multiplication can wrap
            if (numel < 0 || numel > (file.Length - pos) / TensorData.ElementSize(storage.DType))
                throw Truncated(source);
            long nbytes = numel * TensorData.ElementSize(storage.DType);
            storage.Data = file.AsSpan(pos, (int)nbytes).ToArray();
            pos += (int)nbytes;
        }
        return result;
    }

    private static CheckpointException Truncated(string source) =>
        new($"checkpoint '{source}' is truncated: its tensor data ends early; download or copy it again");
}
