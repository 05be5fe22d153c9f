using System.Diagnostics;

namespace ShuffleNet.Onnx.Runtime;

/// <summary>Latency of one model at one batch size; serialisable with System.Text.Json as is.</summary>
/// <param name="Name">What was measured (model or backend name).</param>
/// <param name="Batch">Images per call.</param>
/// <param name="Iterations">Timed calls (warmup excluded).</param>
/// <param name="MedianMs">Median milliseconds per call.</param>
/// <param name="P90Ms">90th percentile milliseconds per call.</param>
/// <param name="MeanMs">Mean milliseconds per call.</param>
/// <param name="MinMs">Fastest call: the least disturbed by other processes on a shared machine.</param>
/// <param name="ImagesPerSecond">Throughput at the median: batch / median.</param>
public sealed record LatencyResult(string Name, int Batch, int Iterations, double MedianMs, double P90Ms, double MeanMs,
    double MinMs, double ImagesPerSecond);

/// <summary>
/// Times calls after a warmup. Several cases are measured interleaved, round by round, so that load from
/// other processes and thermal drift fall on all of them alike: compare only figures from one run.
/// </summary>
public sealed class LatencyBenchmark
{
    /// <summary>Untimed calls per case before timing.</summary>
    public int Warmup { get; init; } = 10;

    /// <summary>Timed calls per case in all.</summary>
    public int Iterations { get; init; } = 100;

    /// <summary>Calls per case in each round before moving to the next case.</summary>
    public int PerRound { get; init; } = 10;

    /// <summary>Measures one case.</summary>
    public LatencyResult Measure(string name, int batch, Action call) => MeasureInterleaved(batch, [(name, call)])[0];

    /// <summary>
    /// Measures <paramref name="cases"/> at <paramref name="batch"/>, interleaved; one result per case, in order.
    /// </summary>
    public IReadOnlyList<LatencyResult> MeasureInterleaved(int batch, IReadOnlyList<(string Name, Action Call)> cases)
    {
        foreach (var (_, call) in cases)
            for (int i = 0; i < Warmup; i++) call();
        var samples = cases.Select(_ => new List<double>(Iterations)).ToArray();
        while (samples[0].Count < Iterations)
        {
            for (int c = 0; c < cases.Count; c++)
            {
                for (int i = 0; i < PerRound && samples[c].Count < Iterations; i++)
                {
                    long start = Stopwatch.GetTimestamp();
                    cases[c].Call();
                    samples[c].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
            }
        }
        return cases.Select((c, i) => Summarise(c.Name, batch, samples[i])).ToList();
    }

    /// <summary>Median, 90th percentile, mean and throughput of per-call milliseconds.</summary>
    public static LatencyResult Summarise(string name, int batch, IReadOnlyList<double> ms)
    {
        var sorted = ms.Order().ToArray();
        double Quantile(double q) => sorted[(int)Math.Min(sorted.Length - 1, Math.Round(q * (sorted.Length - 1)))];
        double median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1]
            + sorted[sorted.Length / 2]) / 2;
        return new LatencyResult(name, batch, sorted.Length, median, Quantile(0.9), sorted.Average(), sorted[0],
            batch * 1000.0 / median);
    }
}
