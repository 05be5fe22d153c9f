using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace ShuffleNet.Checkpoints;

/// <summary>What a path names, without following a final symbolic link (<c>lstat</c>).</summary>
internal enum FileKind { Missing, Regular, Directory, SymbolicLink, CharacterDevice, BlockDevice, Fifo, Socket }

/// <summary>
/// A path's kind and identity (device and inode), read with Linux's <c>statx</c>: .NET exposes neither inodes nor
/// device nodes, and both are needed to tell that an output is an input under another name (a hard or symbolic
/// link) or is not a regular file. Elsewhere the kind comes from <see cref="FileSystemInfo"/> and the identity is the
/// fully resolved path (hard links then go unnoticed).
/// </summary>
internal readonly record struct FileStatus(FileKind Kind, ulong Device, ulong Inode, string? ResolvedPath = null)
{
    /// <summary>The status of <paramref name="path"/> itself (a symbolic link is reported as one).</summary>
    public static FileStatus Of(string path) => Read(path, followLinks: false);

    /// <summary>The status of what <paramref name="path"/> leads to through any symbolic links.</summary>
    public static FileStatus Target(string path) => Read(path, followLinks: true);

    /// <summary>True when both name the same existing file.</summary>
    public bool IsSameFileAs(FileStatus other) => Kind != FileKind.Missing && other.Kind != FileKind.Missing
        && (ResolvedPath is null
            ? Device == other.Device && Inode == other.Inode
            : string.Equals(ResolvedPath, other.ResolvedPath, StringComparison.Ordinal));

    /// <summary>The kind in words, for messages ("a symbolic link").</summary>
    public string Describe() => Kind switch
    {
        FileKind.Regular => "a regular file",
        FileKind.Directory => "a directory",
        FileKind.SymbolicLink => "a symbolic link",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Fifo => "a named pipe (FIFO)",
        FileKind.Socket => "a socket",
        _ => "missing",
    };

    private const int AtFdCwd = -100, AtSymlinkNoFollow = 0x100, StatxBasicStats = 0x7ff, Enoent = 2, Enotdir = 20;

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int StatX(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask,
        byte[] buffer);

    private static FileStatus Read(string path, bool followLinks)
    {
        if (!OperatingSystem.IsLinux()) return Portable(path, followLinks);
        var buffer = new byte[256];   // struct statx: the same layout on every Linux architecture
        if (StatX(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow, StatxBasicStats, buffer) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno is Enoent or Enotdir) return new FileStatus(FileKind.Missing, 0, 0);
            throw new IOException($"cannot inspect '{path}': {Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }
        int mode = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(28));
        ulong inode = BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(32));
        ulong device = (ulong)BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(136)) << 32
                       | BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(140));
        var kind = (mode & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0xA000 => FileKind.SymbolicLink,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            0x1000 => FileKind.Fifo,
            _ => FileKind.Socket,
        };
        return new FileStatus(kind, device, inode);
    }

    private static FileStatus Portable(string path, bool followLinks)
    {
        FileSystemInfo info = Directory.Exists(path) ? new DirectoryInfo(path) : new FileInfo(path);
        if (!info.Exists && info.LinkTarget is null) return new FileStatus(FileKind.Missing, 0, 0);
        if (info.LinkTarget is not null && !followLinks)
            return new FileStatus(FileKind.SymbolicLink, 0, 0, info.FullName);
        var final = info.LinkTarget is null ? info : info.ResolveLinkTarget(returnFinalTarget: true);
        if (final is null || !final.Exists) return new FileStatus(FileKind.Missing, 0, 0);
        return new FileStatus(final is DirectoryInfo ? FileKind.Directory : FileKind.Regular, 0, 0, final.FullName);
    }
}
