using System.Text.RegularExpressions;

namespace ShuffleNet.Checkpoints;

/// <summary>
/// Writes a file all or nothing: into a temp file in the target's folder (same file system, so the
/// rename is atomic), flushed to disk, then renamed over the target. On any failure, disk full
/// included, the temp file is removed and an existing target is left as it was. Every file this project writes
/// (checkpoints, ONNX exports, training logs, charts) goes through it, and so through one set of checks on the
/// target: it must be a new or a regular file (never a symbolic link, device, FIFO or directory) and must not be one
/// of the inputs under another name (<see cref="CheckTarget"/>). A regular file that is replaced keeps its mode.
/// </summary>
public static partial class AtomicFile
{
    /// <summary>
    /// Refuses a target that <see cref="Write"/> must not replace: one whose folder is missing, one that exists and is
    /// not a regular file, or one that is the same file as any of <paramref name="inputs"/> (by device and inode, so
    /// through hard and symbolic links too). Commands call it before their work starts; <see cref="Write"/> calls it
    /// again.
    /// </summary>
    /// <exception cref="Exception">What <paramref name="error"/> makes of a message naming the file
    /// (default: <see cref="CheckpointException"/>).</exception>
    public static void CheckTarget(string path, IEnumerable<string>? inputs = null,
        Func<string, Exception?, Exception>? error = null)
    {
        error ??= DefaultError;
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
            throw error($"cannot write '{path}': folder '{folder}' does not exist; create it first", null);
        var target = FileStatus.Of(full);
        if (target.Kind is not (FileKind.Missing or FileKind.Regular))
        {
            string link = target.Kind == FileKind.SymbolicLink && new FileInfo(full).LinkTarget is { } to
                ? $" to '{to}'" : "";
            throw error($"cannot write '{path}': it is {target.Describe()}{link}, not a regular file; " +
                        "give the path of a new or regular file", null);
        }
        foreach (var input in inputs ?? [])
            if (FileStatus.Target(input).IsSameFileAs(target))
            {
                string alias = SamePath(input, full) ? "" : " under another name (a link)";
                throw error($"cannot write '{path}': it is the input '{input}'{alias}, which would be destroyed; " +
                            "write to another file", null);
            }
    }

    /// <summary>
    /// Writes <paramref name="path"/> with <paramref name="write"/> after <see cref="CheckTarget"/>. A missing folder,
    /// a refused target or an I/O failure (a full disk is said so) becomes the exception <paramref name="error"/>
    /// makes of a message naming the file (default: <see cref="CheckpointException"/>).
    /// </summary>
    public static void Write(string path, Action<Stream> write, Func<string, Exception?, Exception>? error = null,
        IEnumerable<string>? inputs = null)
    {
        error ??= DefaultError;
        CheckTarget(path, inputs, error);
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        bool replacing = File.Exists(full);
        var temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
                // the rename gives the target a new inode: carry the old file's permissions over to it (not
                // set-user/group-ID: new contents must not inherit those)
                if (replacing && !OperatingSystem.IsWindows())
                    File.SetUnixFileMode(stream.SafeFileHandle, File.GetUnixFileMode(full) & PermissionBits);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e)
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            string kept = replacing ? $" ('{path}' is as it was)" : "";
            if (e is IOException io && IsDiskFull(io))
            {
                string reason = io.Message.Replace($" : '{temp}'", "");
                throw error($"cannot write '{path}': the file system is full ({reason}); nothing was written{kept}. " +
                            "Free some space or write to another disk", e);
            }
            if (e is UnauthorizedAccessException)
                throw error($"cannot write '{path}': permission denied in '{folder}'; nothing was written{kept}. " +
                            "Write somewhere you may, or fix the folder's permissions", e);
            if (e is IOException)
                throw error($"cannot write '{path}': {e.Message.Replace(temp, full)}; nothing was written{kept}", e);
            throw;
        }
    }

    /// <summary>
    /// Writes <paramref name="bytes"/> to <paramref name="path"/> as <see cref="Write"/> does (charts, images,
    /// reports), a failure raised as an <see cref="IOException"/> whose message names the file.
    /// </summary>
    /// <exception cref="IOException">The file could not be written (refused target, full disk, I/O error).</exception>
    public static void WriteBytes(string path, byte[] bytes) =>
        Write(path, stream => stream.Write(bytes), (message, inner) => new IOException(message, inner));

    /// <summary>
    /// Removes the temp files <see cref="Write"/> leaves in <paramref name="folder"/> when its process is killed
    /// (<c>.name.&lt;32 hex digits&gt;.tmp</c>); one that a live writer holds open is left alone. Returns their names.
    /// </summary>
    public static IReadOnlyList<string> RemoveStaleTemps(string folder)
    {
        var removed = new List<string>();
        if (!Directory.Exists(folder)) return removed;
        foreach (var file in Directory.EnumerateFiles(folder, ".*.tmp"))
        {
            if (!TempName().IsMatch(Path.GetFileName(file))) continue;
            try
            {
                // a writer holds its temp with FileShare.None (an exclusive flock on Unix): opening fails while it
                // lives
                using (new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.None)) { }
                File.Delete(file);
                removed.Add(Path.GetFileName(file));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return removed;
    }

    /// <summary>True when both paths exist and name the same file (by device and inode: through links too).</summary>
    public static bool IsSameFile(string a, string b) => FileStatus.Target(a).IsSameFileAs(FileStatus.Target(b));

    /// <summary>True for "no space left on device" and "disk quota exceeded".</summary>
    internal static bool IsDiskFull(IOException e) =>
        e.HResult is Enospc or Edquot or DiskFullHResult or HandleDiskFullHResult
        || e.Message.Contains("No space left on device", StringComparison.OrdinalIgnoreCase);

    // .NET on Unix puts the errno in HResult; on Windows ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL as HRESULTs
    private const int Enospc = 28, Edquot = 122;
    private const int DiskFullHResult = unchecked((int)0x80070070), HandleDiskFullHResult = unchecked((int)0x80070027);

    private const UnixFileMode PermissionBits = (UnixFileMode)0x1FF;   // rwxrwxrwx

    private static Exception DefaultError(string message, Exception? inner) =>
        inner is null ? new CheckpointException(message) : new CheckpointException(message, inner);

    private static bool SamePath(string a, string b) => string.Equals(Path.GetFullPath(a), b, StringComparison.Ordinal);

    [GeneratedRegex(@"^\..+\.[0-9a-f]{32}\.tmp$")]
    private static partial Regex TempName();
}
