namespace ShuffleNet.Checkpoints;

/// <summary>
/// Turns what a user typed where a checkpoint is expected into a local file: an existing path is itself, a model
/// zoo name (<c>shufflenet_v2_x1_0</c>) is the cached file, downloaded first if needed.
/// </summary>
public static class CheckpointResolver
{
    /// <summary>
    /// Resolves against <see cref="ModelZoo.Default"/>. See
    /// <see cref="Resolve(string, ModelZoo, IProgress{ValueTuple{long, long?}}?, CancellationToken)"/>.
    /// </summary>
    /// <exception cref="CheckpointException">Neither a file nor a known name, or the download failed.</exception>
    public static string Resolve(string nameOrPath, IProgress<(long Done, long? Total)>? progress = null) =>
        Resolve(nameOrPath, ModelZoo.Default, progress);

    /// <summary>
    /// The local path for <paramref name="nameOrPath"/>: the path itself when such a file exists (a file wins over a
    /// zoo name), else the cached file of the zoo entry of that name, downloaded and verified when not cached yet.
    /// </summary>
    /// <param name="nameOrPath">A file path or a name from <paramref name="zoo"/> (ordinal, ignoring case).</param>
    /// <param name="zoo">The table and cache to use.</param>
    /// <param name="progress">Download progress (bytes done, total when known); not called when nothing is
    /// downloaded.</param>
    /// <param name="cancel">Stops a download; its partial file is kept for the next attempt.</param>
    /// <exception cref="CheckpointException">Neither a file nor a known name (the message lists the names), or the
    /// download failed.</exception>
    public static string Resolve(string nameOrPath, ModelZoo zoo, IProgress<(long Done, long? Total)>? progress = null,
        CancellationToken cancel = default)
    {
        if (File.Exists(nameOrPath)) return nameOrPath;
        if (zoo.Find(nameOrPath) is { } entry) return zoo.Fetch(entry, progress, cancel);
        if (Directory.Exists(nameOrPath)) throw new CheckpointException($"checkpoint '{nameOrPath}' is a folder; " +
            "expected a .pth file or a model name");
        // a path-looking argument gets the plain message; a bare word was probably meant as a name
        if (nameOrPath.Contains('/') || nameOrPath.Contains(Path.DirectorySeparatorChar)
            || Path.HasExtension(nameOrPath))
            throw new CheckpointException($"checkpoint '{nameOrPath}' does not exist");
        throw new CheckpointException($"checkpoint '{nameOrPath}' is neither a file nor a known model name; known " +
            "names: " +
                                      string.Join(", ", zoo.Entries.Select(e => e.Name)));
    }
}
