namespace ShuffleNet.Cli.Tests.Commands;

public class BenchmarkCommandTests
{
    // spinning is ONNX Runtime's own default, so the benchmark's too; --spin false turns it off
    [Theory]
    [InlineData(null, true)]
    [InlineData("false", false)]
    [InlineData("true", true)]
    public void Benchmark_json_times_each_batch_and_says_whether_onnx_runtime_spun(string? spinArg, bool spin)
    {
        string[] args = ["benchmark", "--arch", "0.5x", "--backend", "ort", "--batch", "1,2", "--image-size", "64", "--warmup", "1", "--iterations", "3", "--threads", "1", "--json"];
        var r = CliRunner.Run(spinArg is null ? args : [.. args, "--spin", spinArg]);

        Assert.Equal(0, r.ExitCode);
        Assert.Equal(spin, r.Json.GetProperty("ort_spinning").GetBoolean());
        var results = r.Json.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal([1, 2], results.Select(x => x.GetProperty("batch").GetInt32()));
        Assert.All(results, x =>
        {
            Assert.Equal(3, x.GetProperty("iterations").GetInt32());
            Assert.InRange(x.GetProperty("median_ms").GetDouble(), 1e-3, 1e4);
            Assert.Equal(x.GetProperty("batch").GetInt32() * 1000 / x.GetProperty("median_ms").GetDouble(), x.GetProperty("images_per_second").GetDouble(), 6);
        });
    }

    [Fact]
    public void Benchmark_times_our_export_and_an_onnx_file_in_turn_on_one_shared_pool()
    {
        using var dir = new CliRunner.TempDir();
        var onnx = dir.File("model.onnx");
        var checkpoint = CliRunner.Reference("mmcls_1.0.pth");
        Assert.Equal(0, CliRunner.Run("export", "--checkpoint", checkpoint, "--output", onnx).ExitCode);

        var r = CliRunner.Run("benchmark", "--checkpoint", checkpoint, "--backend", "ort", "--onnx", onnx,
            "--batch", "1", "--warmup", "1", "--iterations", "2", "--threads", "2", "--json");

        Assert.Equal(0, r.ExitCode);
        var names = r.Json.GetProperty("results").EnumerateArray().Select(x => x.GetProperty("name").GetString()).ToList();
        Assert.Equal(["ort (our export) 1.0x", "ort model.onnx"], names);
    }
}
