using System.Text.Json;
using ShuffleNet.Onnx.Runtime;

namespace ShuffleNet.Onnx.Tests.Runtime;

public class LatencyBenchmarkTests
{
    [Fact]
    public void Summary_gives_median_p90_mean_and_throughput()
    {
        var r = LatencyBenchmark.Summarise("m", 32, [4, 1, 3, 2, 10, 5, 6, 7, 8, 9]);

        Assert.Equal(5.5, r.MedianMs);
        Assert.Equal(9, r.P90Ms);
        Assert.Equal(5.5, r.MeanMs);
        Assert.Equal(1, r.MinMs);
        Assert.Equal(32 * 1000 / 5.5, r.ImagesPerSecond, 9);
    }

    [Fact]
    public void Interleaved_cases_each_get_warmup_plus_iterations_calls()
    {
        int a = 0, b = 0;
        var bench = new LatencyBenchmark { Warmup = 2, Iterations = 7, PerRound = 3 };

        var results = bench.MeasureInterleaved(1, [("a", () => a++), ("b", () => b++)]);

        Assert.Equal((9, 9), (a, b));
        Assert.Equal(["a", "b"], results.Select(r => r.Name));
        Assert.All(results, r => Assert.Equal(7, r.Iterations));
    }

    [Fact]
    public void Results_serialise_to_json_with_their_field_names()
    {
        var json = JsonSerializer.Serialize(LatencyBenchmark.Summarise("ours", 1, [1.0, 2.0]));

        Assert.Contains("\"MedianMs\":1.5", json);
        Assert.Contains("\"ImagesPerSecond\"", json);
    }
}
