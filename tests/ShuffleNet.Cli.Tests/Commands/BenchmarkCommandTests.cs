namespace ShuffleNet.Cli.Tests.Commands;

public class BenchmarkCommandTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Benchmark_json_times_each_batch_and_says_whether_onnx_runtime_spun(bool spin)
    {
        string[] args = ["benchmark", "--arch", "0.5x", "--backend", "ort", "--batch", "1,2", "--image-size", "64", "--warmup", "1", "--iterations", "3", "--threads", "1", "--json"];
        var r = CliRunner.Run(spin ? [.. args, "--spin"] : args);

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
}
