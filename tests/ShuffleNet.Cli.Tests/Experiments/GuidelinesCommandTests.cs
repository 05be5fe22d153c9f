namespace ShuffleNet.Cli.Tests.Experiments;

public class GuidelinesCommandTests
{
    [Theory]
    [InlineData("Torch")]
    [InlineData("Ort")]
    public void Guidelines_json_has_every_setting_and_width_next_to_the_paper(string backend)
    {
        var r = CliRunner.Run("guidelines", "--only", "G2", "--setup", "Arm", "--backend", backend, "--iterations", "1",
            "--warmup", "0", "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var j = r.Json;
        Assert.Equal(backend, j.GetProperty("backend").GetString());
        Assert.Equal(1, j.GetProperty("batch").GetInt32());
        var rows = j.GetProperty("rows");
        Assert.Equal(12, rows.GetArrayLength());
        var first = rows[0];
        foreach (var key in new[] { "setting", "width", "channels", "macs", "median_ms", "images_per_second", "ratio",
            "paper_gpu", "paper_gpu_ratio", "paper_arm", "paper_arm_ratio" })
            Assert.True(first.TryGetProperty(key, out _), key);
        Assert.Equal("g=1", first.GetProperty("setting").GetString());
        Assert.Equal(1.0, first.GetProperty("ratio").GetDouble());
        Assert.Equal(40.0, first.GetProperty("paper_arm").GetDouble());
        Assert.StartsWith("G2 ", j.GetProperty("verdicts").GetProperty("G2").GetString());
    }

    [Fact]
    public void Guidelines_draws_a_png_chart()
    {
        using var dir = new CliRunner.TempDir();
        var png = dir.File("g4.png");
        var r = CliRunner.Run("guidelines", "--only", "G4", "--setup", "Arm", "--iterations", "1", "--warmup", "0",
            "--plot", png);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(png)[..4]);
        Assert.Contains("paper Table 4", r.Stdout);
    }

    [Fact]
    public void Cuda_is_one_clear_error()
    {
        var r = CliRunner.Run("guidelines", "--device", "cuda", "--iterations", "1");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("", r.Stdout);
        var line = Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains("no CUDA device in this build/session", line);
    }
}
