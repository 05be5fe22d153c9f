namespace ShuffleNet.Cli.Tests.Commands;

public class InfoCommandTests
{
    [Theory]
    [InlineData("0.5x", 1_366_792)]
    [InlineData("1.0x", 2_278_604)]
    [InlineData("1.5x", 3_503_624)]
    [InlineData("2.0x", 7_393_996)]
    public void Info_json_reports_exact_parameters(string arch, long parameters)
    {
        var r = CliRunner.Run("info", "--arch", arch, "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(parameters, r.Json.GetProperty("parameters").GetInt64());
        Assert.Equal(arch, r.Json.GetProperty("arch").GetString());
    }

    [Fact]
    public void Info_of_the_reference_checkpoint_shows_width_classes_and_flops()
    {
        var r = CliRunner.Run("info", "--checkpoint", CliRunner.Reference("mmcls_1.0.pth"), "--json");
        Assert.Equal(0, r.ExitCode);
        var j = r.Json;
        Assert.Equal("1.0x", j.GetProperty("arch").GetString());
        Assert.Equal(1000, j.GetProperty("checkpoint").GetProperty("num_classes").GetInt32());
        Assert.Equal(File.ReadLines(CliRunner.Reference("imagenet_classes.txt")).First(), j.GetProperty("checkpoint")
            .GetProperty("classes")[0].GetString());
        Assert.InRange(j.GetProperty("flops_mmcv").GetInt64() / 0.149e9, 0.99, 1.01);
        Assert.Equal(7, j.GetProperty("stages").GetArrayLength());
    }

    [Fact]
    public void Info_table_names_the_architecture()
    {
        var r = CliRunner.Run("info");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("ShuffleNetV2 1.0x", r.Stdout);
        Assert.Contains("2,278,604", r.Stdout);
    }

    [Fact]
    public void Unknown_width_is_one_clear_error()
    {
        var r = CliRunner.Run("info", "--arch", "0.75x");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("0.75x", r.Stderr);
        Assert.Contains("0.5x, 1.0x, 1.5x or 2.0x", r.Stderr);
    }

    [Fact]
    public void Missing_checkpoint_is_one_clear_error()
    {
        var r = CliRunner.Run("info", "--checkpoint", "/nonexistent/x.pth");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("", r.Stdout);
        var line = Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.StartsWith("error: ", line);
        Assert.Contains("/nonexistent/x.pth", line);
    }

    [Fact]
    public void Mismatched_width_names_the_key_and_both_shapes()
    {
        var r = CliRunner.Run("info", "--checkpoint", CliRunner.Reference("mmcls_1.0.pth"), "--arch", "0.5x");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("mmcls_1.0.pth", r.Stderr);
        Assert.Matches(@"\[\d+(, \d+)*\].*\[\d+(, \d+)*\]", r.Stderr);
    }
}
