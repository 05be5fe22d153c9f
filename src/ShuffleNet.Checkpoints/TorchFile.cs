namespace ShuffleNet.Checkpoints;

/// <summary>
/// Reads and writes files in <c>torch.save</c>'s formats, without Python or TorchSharp, as a graph of plain C# values.
/// Reading never executes code: the unpickler knows only the Python globals a state dict needs and refuses any other
/// (<c>os.system</c>, <c>builtins.eval</c>, ...) with a <see cref="CheckpointException"/>.
/// </summary>
/// <remarks>
/// Python values map to C# as follows (both ways unless noted):
/// <list type="bullet">
/// <item><c>dict</c> and <c>collections.OrderedDict</c>: <see cref="OrderedDictionary{TKey, TValue}"/> of <c>object</c>
/// to <c>object?</c>, insertion order kept. When saving, any <see cref="System.Collections.IDictionary"/> is written as
/// a <c>dict</c> and a <see cref="StateDict"/> as a <c>collections.OrderedDict</c>.</item>
/// <item><c>list</c>: <see cref="List{T}"/> of <c>object?</c> (saving: any
/// <see cref="System.Collections.IList"/>).</item>
/// <item><c>tuple</c>: <c>object?[]</c> (exactly that array type; a <c>string[]</c> is saved as a list).</item>
/// <item><c>str</c>: <see cref="string"/>; <c>bytes</c>: <c>byte[]</c>; <c>bool</c>: <see cref="bool"/>; <c>None</c>:
/// null.</item>
/// <item><c>int</c>: <see cref="long"/>, or <see cref="System.Numerics.BigInteger"/> beyond 64 bits; <c>float</c>:
/// <see cref="double"/>.</item>
/// <item><c>torch.Tensor</c> and <c>nn.Parameter</c>: <see cref="TensorData"/>; a view (slice, transpose, stride-0
/// <c>expand</c>) stays a view of its storage until its <see cref="TensorData.Bytes"/> are asked for, and is saved as a
/// view (saving writes float32 as float32, int64 as int64, and so on: no conversion).</item>
/// <item><c>set</c>/<c>frozenset</c>: <see cref="HashSet{T}"/> of <c>object?</c> (saving: any <see cref="ISet{T}"/>, as
/// a <c>set</c>).</item>
/// <item>Read only: numpy scalars as <see cref="long"/>, <see cref="double"/> or <see cref="bool"/>; a
/// <c>numpy.dtype</c> as its name (<c>"float32"</c>).</item>
/// </list>
/// Shared and self-containing values stay shared both ways (a list that contains itself is read and written as pickle
/// does). Tuples used as dict keys compare by reference. Only little-endian files are supported.
/// <para>Reading costs bounded memory, stack and time whatever the file holds: containers nested deeper than 512
/// levels, tensor views outside their storage or with overflowing arithmetic, zip entries that declare other sizes than
/// their storages need or inflate far beyond the file, and malformed pickles are refused with a
/// <see cref="CheckpointException"/> naming the file.</para>
/// </remarks>
public static class TorchFile
{
    /// <summary>Reads a zip-format (PyTorch 1.6+) or legacy-format <c>torch.save</c> file.</summary>
    /// <exception cref="CheckpointException">The file is missing, empty, truncated, corrupt or crafted, not a PyTorch
    /// file, or names a Python global outside the allow-list.</exception>
    public static object? Load(string path)
    {
        if (!File.Exists(path)) throw new CheckpointException($"checkpoint '{path}' does not exist");
        byte[] file;
        try { file = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException($"checkpoint '{path}' cannot be read: {e.Message}", e);
        }
        return Load(file, path);
    }

    /// <summary>Reads a file's bytes as <see cref="Load(string)"/> does; <paramref name="path"/> names it.</summary>
    internal static object? Load(byte[] file, string path)
    {
        if (file.Length == 0) throw new CheckpointException($"checkpoint '{path}' is empty (0 bytes); download or " +
            "copy it again");
        try
        {
            object? raw = file switch
            {
                [(byte)'P', (byte)'K', ..] => ZipFormatReader.Read(file, path),
                [0x80, ..] => LegacyFormatReader.Read(file, path),
                _ => throw new CheckpointException($"checkpoint '{path}' is not a PyTorch file: it is neither a zip " +
                    "nor a pickle (does it hold text or another format?)"),
            };
            return new GraphResolver(path).Resolve(raw);
        }
        catch (InvalidDataException e)
        {
            throw new CheckpointException($"checkpoint '{path}' is not a readable zip file ({e.Message}); is it " +
                "truncated? Download or copy it again", e);
        }
    }

    /// <summary>
    /// Writes <paramref name="value"/> in <c>torch.save</c>'s zip format (top folder <c>archive</c>,
    /// protocol 2 pickle, stored entries, tensor data 64-byte aligned), which <c>torch.load</c> reads in
    /// PyTorch 1.6 and later. The write is atomic: a temp file in the same folder, renamed when complete.
    /// </summary>
    /// <exception cref="ArgumentException">The graph holds a value with no Python counterpart, or nests deeper
    /// than 512 levels.</exception>
    /// <exception cref="CheckpointException">The file could not be written; nothing was.</exception>
    public static void Save(string path, object? value)
    {
        var pickler = new Pickler();
        var pkl = pickler.Pickle(value);   // before the file exists, so bad values leave nothing behind
        AtomicFile.Write(path, stream => ZipFormatWriter.Write(stream, "archive", pkl, pickler.Storages));
    }
}
