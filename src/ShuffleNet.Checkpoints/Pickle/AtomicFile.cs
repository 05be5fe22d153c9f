namespace ShuffleNet.Checkpoints;

/// <summary>
/// Writes a file all or nothing: into a temp file in the target's folder (same file system, so the
/// rename is atomic), flushed to disk, then renamed over the target. On any failure, disk full
/// included, the temp file is removed and an existing target is left as it was.
/// </summary>
internal static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
            throw new CheckpointException($"cannot write checkpoint '{path}': folder '{folder}' does not exist; create it first");
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
                throw new CheckpointException($"could not write checkpoint '{path}': {e.Message}; nothing was written", e);
            throw;
        }
    }
}
