using static ShuffleNet.Checkpoints.Tests.LocalHttpServer;

namespace ShuffleNet.Checkpoints.Tests;

/// <summary>
/// The download path for real: HTTP over loopback to <see cref="LocalHttpServer"/>, into a temporary cache.
/// </summary>
public sealed class DownloadTests : IDisposable
{
    // mmcls_0.5.pth as tools/reference/make_checkpoint_fixtures.py copies it (sha256sum of the committed file)
    private const string FixtureSha256 = "5e6694e65ed11d69afa974535d82c6c15e767cfff35cc4adc5555148b9e9a1fa";
    private static readonly byte[] Fixture = File.ReadAllBytes(TestData.Fixture("mmcls_0.5.pth"));

    private readonly LocalHttpServer _server = new(Fixture);
    private readonly string _cache = Directory.CreateTempSubdirectory("shufflenet-zoo-").FullName;

    public void Dispose()
    {
        _server.Dispose();
        Directory.Delete(_cache, recursive: true);
    }

    /// <summary>
    /// A one-entry zoo serving the fixture under a torch.hub-style name carrying <paramref name="hashPrefix"/>.
    /// </summary>
    private ModelZoo Zoo(string hashPrefix = "5e6694e6", LocalHttpServer? server = null) =>
        new([new ZooEntry("fixture-0.5x", "test", Width.X0_5, CheckpointLayout.Mmpretrain,
            (server ?? _server).UrlOf($"mmcls_0.5-{hashPrefix}.pth"), null, null)], _cache);

    [Fact]
    public void A_name_downloads_verifies_and_loads_as_a_checkpoint()
    {
        var zoo = Zoo();
        var reports = new List<(long Done, long? Total)>();
        var path = CheckpointResolver.Resolve("fixture-0.5x", zoo, new SyncProgress(reports.Add));
        Assert.Equal(zoo.CachePath(zoo.Entries[0]), path);
        Assert.Equal(Fixture, File.ReadAllBytes(path));
        Assert.False(File.Exists(path + ".partial"));
        Assert.Equal((Fixture.Length, Fixture.Length), (reports[^1].Done, reports[^1].Total));
        Assert.Equal(Width.X0_5, LayoutCheck.Validate(CheckpointFile.Load(path).StateDict, path).Width);
    }

    [Fact]
    public void A_full_sha256_is_checked_when_known()
    {
        var entry = new ZooEntry("plain-name", "test", Width.X0_5, CheckpointLayout.Mmpretrain,
            _server.UrlOf("mmcls_0.5.pth"), null, null)
            { Sha256 = FixtureSha256 };
        Assert.Equal(Fixture, File.ReadAllBytes(new ModelZoo([entry], _cache).Fetch(entry)));
    }

    [Fact]
    public void A_hash_mismatch_deletes_the_file_and_names_both_prefixes()
    {
        var zoo = Zoo(hashPrefix: "deadbeef");
        var e = Assert.Throws<CheckpointException>(() => zoo.Fetch(zoo.Entries[0]));
        Assert.Contains("deadbeef", e.Message);
        Assert.Contains(FixtureSha256[..8], e.Message);
        Assert.Contains("deleted", e.Message);
        Assert.Empty(Directory.GetFiles(Path.Combine(_cache, "checkpoints")));
    }

    [Fact]
    public void A_transfer_dropped_halfway_resumes_with_a_range_request()
    {
        _server.ModeFor = i => i == 0 ? Mode.DropHalfway : Mode.Serve;
        var zoo = Zoo();
        var path = zoo.Fetch(zoo.Entries[0]);
        Assert.Equal([null, $"bytes={Fixture.Length / 2}-"], _server.Ranges);
        Assert.Equal(Fixture, File.ReadAllBytes(path));
    }

    [Fact]
    public void A_partial_file_from_an_earlier_run_is_resumed()
    {
        var zoo = Zoo();
        Directory.CreateDirectory(Path.Combine(_cache, "checkpoints"));
        File.WriteAllBytes(zoo.CachePath(zoo.Entries[0]) + ".partial", Fixture[..1000]);
        Assert.Equal(Fixture, File.ReadAllBytes(zoo.Fetch(zoo.Entries[0])));
        Assert.Equal(["bytes=1000-"], _server.Ranges);
    }

    [Fact]
    public void A_server_that_ignores_range_restarts_from_the_beginning()
    {
        _server.ModeFor = i => i == 0 ? Mode.DropHalfway : Mode.IgnoreRange;
        var zoo = Zoo();
        Assert.Equal(Fixture, File.ReadAllBytes(zoo.Fetch(zoo.Entries[0])));
        Assert.Equal(2, _server.Ranges.Count);
    }

    [Fact]
    public void A_404_names_the_url_the_cache_path_and_the_manual_way()
    {
        _server.ModeFor = _ => Mode.NotFound;
        var zoo = Zoo();
        var e = Assert.Throws<CheckpointException>(() => zoo.Fetch(zoo.Entries[0]));
        Assert.Contains("404", e.Message);
        Assert.Contains(zoo.Entries[0].Url.ToString(), e.Message);
        Assert.Contains(zoo.CachePath(zoo.Entries[0]), e.Message);
        Assert.Contains("by hand", e.Message);
    }

    [Fact]
    public void A_server_that_is_down_is_a_clear_error()
    {
        var zoo = Zoo();
        _server.Dispose();
        var e = Assert.Throws<CheckpointException>(() => zoo.Fetch(zoo.Entries[0]));
        Assert.Contains("unreachable", e.Message);
        Assert.Contains(zoo.Entries[0].Url.ToString(), e.Message);
        Assert.Contains(zoo.CachePath(zoo.Entries[0]), e.Message);
        Assert.Empty(Directory.GetFiles(Path.Combine(_cache, "checkpoints")));   // no empty .partial left behind
    }

    [Fact]
    public void A_cached_file_resolves_with_the_server_stopped()
    {
        var first = Zoo().Fetch(Zoo().Entries[0]);
        _server.Dispose();
        Assert.Equal(first, CheckpointResolver.Resolve("FIXTURE-0.5x", Zoo()));
        Assert.Single(_server.Ranges);
    }

    /// <summary>
    /// Reports on the calling thread (<see cref="Progress{T}"/> would post to the thread pool and race the asserts).
    /// </summary>
    private sealed class SyncProgress(Action<(long, long?)> report) : IProgress<(long Done, long? Total)>
    {
        public void Report((long Done, long? Total) value) => report(value);
    }
}
