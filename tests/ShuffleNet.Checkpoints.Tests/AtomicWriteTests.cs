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
    public void Failed_save_keeps_the_previous_file()
    {
        var path = Path.Combine(_dir, "keep.pth");
        TorchFile.Save(path, new StateDict { ["w"] = TensorData.FromFloat32([1f], 1) });
        var before = File.ReadAllBytes(path);
        Assert.Throws<CheckpointException>(() => AtomicFile.Write(path, _ => throw new IOException("disk full")));
        Assert.Throws<ArgumentException>(() => TorchFile.Save(path, new OrderedDictionary<object, object?> { ["when"] = DateTime.Now }));
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
}
