namespace ShuffleNet.Cli.Tests.Experiments;

public class CompareCommandTests
{
    [Theory]
    [InlineData("Torch")]
    [InlineData("Ort")]
    public void Compare_json_reports_flops_parameters_and_speed_per_model(string backend)
    {
        var r = CliRunner.Run("compare", "--backend", backend, "--models", "ShuffleNet V2 0.5x", "ShuffleNet V1",
            "--iterations", "1", "--warmup", "0", "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var models = r.Json.GetProperty("models");
        Assert.Equal(2, models.GetArrayLength());
        var v2 = models[0];
        Assert.Equal("ShuffleNet V2", v2.GetProperty("family").GetString());
        Assert.Equal(1_366_792, v2.GetProperty("parameters").GetInt64());
        Assert.InRange(v2.GetProperty("mflops").GetDouble(), 40, 43);
        Assert.True(v2.GetProperty("images_per_second").GetDouble() > 0);
        var v1 = models[1];
        Assert.Equal(1_865_728, v1.GetProperty("parameters").GetInt64());
        Assert.Equal(140, v1.GetProperty("paper_mflops").GetDouble());
        Assert.True(r.Json.TryGetProperty("load_average_before", out _));
    }

    [Fact]
    public void Unknown_model_names_the_known_ones()
    {
        var r = CliRunner.Run("compare", "--models", "ResNet-50");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("'MobileNet V2 1.0'", r.Stderr);
    }
}
