using System.IO.Compression;
using ShuffleNet.Checkpoints;

namespace ShuffleNet.Checkpoints.Tests;

/// <summary>Every bad input fails with a <see cref="CheckpointException"/> whose message names the file.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ckpt-bad-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string AssertRejected(string path, params string[] fragments)
    {
        var e = Assert.Throws<CheckpointException>(() => CheckpointFile.Load(path));
        Assert.Contains($"'{path}'", e.Message);
        foreach (var f in fragments) Assert.Contains(f, e.Message);
        return e.Message;
    }

    [Fact]
    public void Missing_file_is_named() => AssertRejected(Path.Combine(_dir, "nope.pth"), "does not exist");

    [Fact]
    public void Zero_byte_file_is_reported_empty() => AssertRejected(Write("empty.pth", []), "empty");

    [Fact]
    public void Truncated_zip_is_reported() =>
        AssertRejected(Write("cut.pth", File.ReadAllBytes(TestData.Fixture("tiny_zip.pt"))[..2000]), "truncated");

    [Theory]
    [InlineData(100)]    // inside the object pickle
    [InlineData(-10)]    // inside the storage bytes after it
    public void Truncated_legacy_file_is_reported(int cut)
    {
        var bytes = File.ReadAllBytes(TestData.Fixture("tiny_legacy.pt"));
        AssertRejected(Write("cut_legacy.pth", bytes[..(cut > 0 ? cut : bytes.Length + cut)]), "truncated");
    }

    [Fact]
    public void Zip_without_data_pkl_is_not_a_checkpoint()
    {
        var path = Path.Combine(_dir, "other.zip");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
            using (var w = new StreamWriter(zip.CreateEntry("readme.txt").Open())) w.Write("hello");
        AssertRejected(path, "no '<folder>/data.pkl'");
    }

    [Fact]
    public void Text_file_is_neither_zip_nor_pickle() =>
        AssertRejected(TestData.Fixture("not_a_checkpoint.txt"), "neither a zip nor a pickle");

    [Fact]
    public void Random_bytes_after_a_pickle_header_are_refused()
    {
        var bytes = new byte[256];
        new Random(3).NextBytes(bytes);
        bytes[0] = 0x80;
        AssertRejected(Write("random.pth", bytes));
    }

    [Fact]
    public void Dict_without_tensors_is_rejected()
    {
        var path = Path.Combine(_dir, "notensors.pth");
        TorchFile.Save(path, new OrderedDictionary<object, object?> { ["epoch"] = 3L,
            ["meta"] = new OrderedDictionary<object, object?>() });
        AssertRejected(path, "holds no tensors");
    }

    [Theory]
    [InlineData("malicious_zip.pt")]
    [InlineData("malicious_legacy.pt")]
    public void Pickle_calling_os_system_is_refused_and_nothing_runs(string file)
    {
        File.Delete(TestData.PwnedMarker);
        var message = AssertRejected(TestData.Fixture(file), "'posix.system'", "refused, not executed");
        Assert.False(File.Exists(TestData.PwnedMarker), "the payload ran: " + message);
        Assert.Throws<CheckpointException>(() => TorchFile.Load(TestData.Fixture(file)));
        Assert.False(File.Exists(TestData.PwnedMarker));
    }
}
