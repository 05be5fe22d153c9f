namespace ShuffleNet.Checkpoints;

/// <summary>
/// Writes a file all or nothing: into a temp file in the target's folder (same file system, so the
/// rename is atomic), flushed to disk, then renamed over the target. On any failure, disk full
/// included, the temp file is removed and an existing target is left as it was. Checkpoints and ONNX exports both
/// go through it.
/// </summary>
public static class AtomicFile
{
    /// <summary>
    /// Writes <paramref name="path"/> with <paramref name="write"/>. A missing folder or an I/O failure becomes the exception
    /// <paramref name="error"/> makes of a message naming the file (default: <see cref="CheckpointException"/>).
    /// </summary>
    public static void Write(string path, Action<Stream> write, Func<string, Exception?, Exception>? error = null)
    {
        error ??= (message, inner) => inner is null ? new CheckpointException(message) : new CheckpointException(message, inner);
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
            throw error($"cannot write '{path}': folder '{folder}' does not exist; create it first", null);
        var temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e)
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            if (e is IOException or UnauthorizedAccessException)
                throw error($"cannot write '{path}': {e.Message}; nothing was written", e);
            throw;
        }
    }
}
