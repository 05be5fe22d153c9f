using System.Diagnostics;
using ShuffleNet.Checkpoints;

namespace ShuffleNet.Checkpoints.Tests;

public sealed class AtomicWriteTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ckpt-atomic-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Disk_full_midway_leaves_no_temp_file_and_no_partial_target()
    {
        var path = Path.Combine(_dir, "out.pth");
        var e = Assert.Throws<CheckpointException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[4096]);
            throw new IOException("No space left on device");
        }));
        Assert.Contains("'" + path + "'", e.Message);
        Assert.Contains("No space left on device", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(_dir));
    }

    [Fact]
    public void WriteBytes_writes_the_bytes_and_raises_failures_as_IOException_naming_the_file()
    {
        var path = Path.Combine(_dir, "chart.png");
        AtomicFile.WriteBytes(path, [1, 2, 3]);
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));
        var missing = Path.Combine(_dir, "no-such-folder", "chart.png");
        var e = Assert.Throws<IOException>(() => AtomicFile.WriteBytes(missing, [1]));
        Assert.Contains(missing, e.Message);
        Assert.Single(Directory.EnumerateFileSystemEntries(_dir));
    }

    [Fact]
    public void Failed_save_keeps_the_previous_file()
    {
        var path = Path.Combine(_dir, "keep.pth");
        TorchFile.Save(path, new StateDict { ["w"] = TensorData.FromFloat32([1f], 1) });
        var before = File.ReadAllBytes(path);
        Assert.Throws<CheckpointException>(() => AtomicFile.Write(path, _ => throw new IOException("disk full")));
        Assert.Throws<ArgumentException>(() => TorchFile.Save(path,
            new OrderedDictionary<object, object?> { ["when"] = DateTime.Now }));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["keep.pth"], Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void Missing_folder_is_named()
    {
        var path = Path.Combine(_dir, "no", "such", "x.pth");
        var e = Assert.Throws<CheckpointException>(() => TorchFile.Save(path, new StateDict()));
        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public void A_full_disk_is_said_so_in_one_message_naming_the_file_and_leaves_nothing()
    {
        var path = Path.Combine(_dir, "full.pth");
        var e = Assert.Throws<CheckpointException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[4096]);
            // ENOSPC
            throw new IOException($"No space left on device : '{Path.Combine(_dir, ".full.pth.0.tmp")}'", 28);
        }));
        Assert.StartsWith($"cannot write '{path}': the file system is full", e.Message);
        Assert.Contains("Free some space", e.Message);
        Assert.DoesNotContain("\n", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(_dir));
    }

    [Fact]
    public void A_symbolic_link_as_target_is_refused_and_neither_it_nor_its_target_changes()
    {
        var real = Path.Combine(_dir, "real.txt");
        File.WriteAllText(real, "keep me");
        var link = Path.Combine(_dir, "link.pth");
        File.CreateSymbolicLink(link, real);
        var e = Assert.Throws<CheckpointException>(() => AtomicFile.Write(link, s => s.WriteByte(1)));
        Assert.Contains($"'{link}': it is a symbolic link to '{real}'", e.Message);
        Assert.Equal(real, new FileInfo(link).LinkTarget);
        Assert.Equal("keep me", File.ReadAllText(real));
        Assert.Equal(2, Directory.GetFileSystemEntries(_dir).Length);
    }

    [Fact]
    public void A_fifo_or_a_directory_as_target_is_refused()
    {
        var fifo = Path.Combine(_dir, "pipe");
        Run("mkfifo", fifo);
        Assert.Contains("a named pipe (FIFO)", Assert.Throws<CheckpointException>(() => AtomicFile.Write(fifo,
            s => s.WriteByte(1))).Message);
        Assert.Equal(FileKind.Fifo, FileStatus.Of(fifo).Kind);
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "folder")).FullName;
        Assert.Contains("a directory", Assert.Throws<CheckpointException>(() => AtomicFile.Write(folder,
            s => s.WriteByte(1))).Message);
        Assert.True(Directory.Exists(folder));
    }

    [Fact]
    public void A_character_device_is_recognised_and_refused_before_anything_is_written() =>
        // /dev/null itself: the check refuses it, so not even root replaces the device
        Assert.Contains("'/dev/null': it is a character device",
            Assert.Throws<CheckpointException>(() => AtomicFile.CheckTarget("/dev/null")).Message);

    [Fact]
    public void The_input_is_refused_as_target_by_name_by_hard_link_and_by_symbolic_link()
    {
        var input = Path.Combine(_dir, "in.pth");
        File.WriteAllText(input, "checkpoint");
        var hard = Path.Combine(_dir, "hard.pth");
        Run("ln", input, hard);
        var soft = Path.Combine(_dir, "soft.pth");
        File.CreateSymbolicLink(soft, input);
        Assert.Contains("it is the input", Assert.Throws<CheckpointException>(() => AtomicFile.Write(input,
            s => s.WriteByte(1), inputs: [input])).Message);
        Assert.Contains("under another name", Assert.Throws<CheckpointException>(() => AtomicFile.Write(hard,
            s => s.WriteByte(1), inputs: [input])).Message);
        // the output is the real file, the input names it through a link
        Assert.Contains("under another name", Assert.Throws<CheckpointException>(() => AtomicFile.Write(input,
            s => s.WriteByte(1), inputs: [soft])).Message);
        Assert.Equal("checkpoint", File.ReadAllText(input));
        // another file is fine
        AtomicFile.Write(Path.Combine(_dir, "other.pth"), s => s.WriteByte(1), inputs: [input, soft]);
    }

    [Theory]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
                | UnixFileMode.OtherRead)]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_replaced_file_keeps_its_mode(UnixFileMode mode)
    {
        var path = Path.Combine(_dir, "mode.pth");
        File.WriteAllText(path, "old");
        File.SetUnixFileMode(path, mode);
        AtomicFile.Write(path, s => s.Write("new"u8));
        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal(mode, File.GetUnixFileMode(path));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_replaced_setuid_file_keeps_its_permissions_but_not_the_setuid_bit()
    {
        var path = Path.Combine(_dir, "tool");
        File.WriteAllText(path, "old");
        File.SetUnixFileMode(path,
            UnixFileMode.SetUser | UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        AtomicFile.Write(path, s => s.Write("new"u8));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
            File.GetUnixFileMode(path));
    }

    [Fact]
    public void Stale_temp_files_are_removed_but_a_live_writers_and_other_files_are_not()
    {
        var stale = Path.Combine(_dir, $".latest.pth.{Guid.NewGuid():N}.tmp");
        var live = Path.Combine(_dir, $".best.pth.{Guid.NewGuid():N}.tmp");
        var other = Path.Combine(_dir, ".notes.tmp");
        File.WriteAllBytes(stale, []);
        File.WriteAllText(other, "mine");
        using (new FileStream(live, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            Assert.Equal([Path.GetFileName(stale)], AtomicFile.RemoveStaleTemps(_dir));
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(other));
    }

    private static void Run(string program, params string[] args)
    {
        using var p = Process.Start(program, args);
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
    }
}
