namespace ShuffleNet.Cli.Tests.Commands;

/// <summary>
/// <c>models</c> and <c>--checkpoint NAME</c>, against a temporary cache (no network: nothing here downloads).
/// </summary>
public sealed class ModelsCommandTests : IDisposable
{
    private readonly CliRunner.TempDir _cache = new();
    private Dictionary<string, string?> Env => new() { ["SHUFFLENET_CACHE"] = _cache.Path };

    public void Dispose() => _cache.Dispose();

    /// <summary>
    /// Puts a file where the zoo keeps <c>shufflenet-v2-1x_16xb64_in1k</c>, as a user without network would.
    /// </summary>
    private string PlaceMmpretrain1x()
    {
        var path = _cache.File("checkpoints/shufflenet_v2_batch1024_imagenet_20200812-5bf4721e.pth");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Copy(CliRunner.Reference("mmcls_1.0.pth"), path);
        return path;
    }

    [Fact]
    public void Models_json_lists_every_checkpoint_and_which_is_cached()
    {
        PlaceMmpretrain1x();
        var r = CliRunner.RunWith(Env, "models", "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(_cache.Path, r.Json.GetProperty("cache_directory").GetString());
        var models = r.Json.GetProperty("models").EnumerateArray().ToDictionary(m => m.GetProperty("name")
            .GetString()!);
        Assert.Equal(["shufflenet-v2-1x_16xb64_in1k", "shufflenet_v2_x0_5", "shufflenet_v2_x1_0", "shufflenet_v2_x1_5",
            "shufflenet_v2_x2_0"], models.Keys);
        var mm = models["shufflenet-v2-1x_16xb64_in1k"];
        Assert.True(mm.GetProperty("cached").GetBoolean());
        Assert.Equal(69.55, mm.GetProperty("top1").GetDouble());
        Assert.Equal("5bf4721e", mm.GetProperty("sha256_prefix").GetString());
        Assert.False(models["shufflenet_v2_x2_0"].GetProperty("cached").GetBoolean());
        Assert.Equal(76.23, models["shufflenet_v2_x2_0"].GetProperty("top1").GetDouble());
        // the preprocessing each publisher evaluates with: torchvision's x1.5/x2.0 weights resize to 232
        Assert.Equal(232, models["shufflenet_v2_x2_0"].GetProperty("preprocessing").GetProperty("resize").GetInt32());
        Assert.Equal(256, mm.GetProperty("preprocessing").GetProperty("resize").GetInt32());
    }

    [Fact]
    public void Models_table_shows_names_accuracy_and_the_cache_folder()
    {
        var r = CliRunner.RunWith(Env, "models");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("shufflenet_v2_x1_5", r.Stdout);
        Assert.Contains("72.996", r.Stdout);
        Assert.Contains(_cache.Path, r.Stdout.Replace("\n", ""));
    }

    [Fact]
    public void Info_takes_a_cached_model_name_without_network()
    {
        var path = PlaceMmpretrain1x();
        var r = CliRunner.RunWith(Env, "info", "--checkpoint", "shufflenet-v2-1x_16xb64_in1k", "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Stderr);
        Assert.Equal(path, r.Json.GetProperty("checkpoint").GetProperty("path").GetString());
        Assert.Equal("1.0x", r.Json.GetProperty("arch").GetString());
    }

    [Fact]
    public void Convert_takes_a_cached_model_name()
    {
        PlaceMmpretrain1x();
        var output = _cache.File("tv.pth");
        var r = CliRunner.RunWith(Env, "convert", "--checkpoint", "shufflenet-v2-1x_16xb64_in1k", "--output", output,
            "--to", "Torchvision");
        Assert.Equal(0, r.ExitCode);
        Assert.True(File.Exists(output));
    }

    [Fact]
    public void An_unknown_name_is_one_error_line_listing_the_known_names()
    {
        var r = CliRunner.RunWith(Env, "info", "--checkpoint", "shufflenet_v3");
        Assert.Equal(1, r.ExitCode);
        var line = Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.StartsWith("error: checkpoint 'shufflenet_v3' is neither a file nor a known model name", line);
        Assert.Contains("shufflenet_v2_x1_0", line);
    }
}
