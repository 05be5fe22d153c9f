using ShuffleNet.Checkpoints;
using ShuffleNet.Onnx.Runtime;

namespace ShuffleNet.Onnx.Quantization;

/// <summary>What <see cref="QuantizationGate"/> requires of an int8 model.</summary>
public sealed record GateOptions
{
    /// <summary>Least fraction of held-out images on which int8 and fp32 agree on the top-1 class.</summary>
    public double MinAgreement { get; init; } = 0.97;

    /// <summary>Most top-1 accuracy int8 may lose against fp32, in percentage points (where labels exist).</summary>
    public double MaxAccuracyDrop { get; init; } = 0.5;

    /// <summary>Least speed-up (fp32 median time / int8 median time) at every batch size timed.</summary>
    public double MinSpeedup { get; init; } = 1.0;

    /// <summary>Batch sizes timed, fp32 and int8 interleaved call by call; empty times nothing.</summary>
    public IReadOnlyList<int> SpeedBatches { get; init; } = [1, 32];

    /// <summary>Timed calls per model at batch 1 (fewer, at least 10, at larger batches).</summary>
    public int Iterations { get; init; } = 100;
}

/// <summary>fp32 and int8 timed at one batch size in one interleaved run.</summary>
/// <param name="Batch">Images per call.</param>
/// <param name="Fp32">The float model's latency.</param>
/// <param name="Int8">The quantized model's latency.</param>
public sealed record GateSpeed(int Batch, LatencyResult Fp32, LatencyResult Int8)
{
    /// <summary>fp32 median time over int8 median time: above 1 when int8 is faster.</summary>
    public double Speedup => Fp32.MedianMs / Int8.MedianMs;
}

/// <summary>The gate's findings; <see cref="Failures"/> says, one line each, why a model is refused.</summary>
/// <param name="Images">Held-out images evaluated.</param>
/// <param name="Agreement">Fraction of images whose top-1 class is the same in both models.</param>
/// <param name="Fp32Accuracy">Top-1 accuracy of the float model in percent, where labels exist.</param>
/// <param name="Int8Accuracy">Top-1 accuracy of the int8 model in percent, where labels exist.</param>
/// <param name="Speed">Timings per batch size.</param>
/// <param name="Failures">Each requirement not met; empty when the model passes.</param>
public sealed record GateReport(int Images, double Agreement, double? Fp32Accuracy, double? Int8Accuracy,
    IReadOnlyList<GateSpeed> Speed, IReadOnlyList<string> Failures)
{
    /// <summary>True when every requirement is met.</summary>
    public bool Passed => Failures.Count == 0;
}

/// <summary>
/// Checks an int8 model against the float model it came from, on held-out images (not the calibration images): top-1
/// agreement, accuracy of both where labels exist, and speed of both (interleaved, so both see the same machine
/// load; open both on one shared pool, <see cref="OrtThreads.ShareOnePool"/>, for like-for-like threading).
/// </summary>
public static class QuantizationGate
{
    /// <summary>
    /// Evaluates <paramref name="int8"/> against <paramref name="fp32"/> on <paramref name="heldOut"/>.
    /// </summary>
    /// <exception cref="ArgumentException">No images, or the two models disagree on the number of classes.</exception>
    public static GateReport Evaluate(OrtClassifier fp32, OrtClassifier int8, IEnumerable<ImageBatch> heldOut,
        GateOptions? options = null)
    {
        options ??= new GateOptions();
        if (fp32.NumClasses != int8.NumClasses)
            throw new ArgumentException($"the fp32 model has {fp32.NumClasses} classes and the int8 model " +
                $"{int8.NumClasses}");
        int images = 0, agree = 0, labelled = 0, fp32Right = 0, int8Right = 0;
        float[]? sample = null;
        foreach (var batch in heldOut)
        {
            var a = fp32.Run(batch.Images, batch.Count);
            var b = int8.Run(batch.Images, batch.Count);
            sample ??= batch.Images[..(fp32.ImageSize)];
            for (int i = 0; i < batch.Count; i++)
            {
                int pa = Logits.ArgMax(a.AsSpan(i * fp32.NumClasses, fp32.NumClasses)),
                    pb = Logits.ArgMax(b.AsSpan(i * int8.NumClasses, int8.NumClasses));
                agree += pa == pb ? 1 : 0;
                if (batch.Labels is not { } labels) continue;
                labelled++;
                fp32Right += pa == labels[i] ? 1 : 0;
                int8Right += pb == labels[i] ? 1 : 0;
            }
            images += batch.Count;
        }
        if (images == 0) throw new ArgumentException("no held-out images to evaluate the int8 model on");
        double? fp32Acc = labelled > 0 ? 100.0 * fp32Right / labelled : null;
        double? int8Acc = labelled > 0 ? 100.0 * int8Right / labelled : null;
        var speed = options.SpeedBatches.Select(n => Time(fp32, int8, sample!, n, options.Iterations)).ToList();
        double agreement = (double)agree / images;
        return new GateReport(images, agreement, fp32Acc, int8Acc, speed, Judge(agreement, fp32Acc, int8Acc, speed,
            options));
    }

    /// <summary>
    /// The requirements of <paramref name="options"/> not met by these measurements, one sentence each.
    /// </summary>
    public static IReadOnlyList<string> Judge(double agreement, double? fp32Accuracy, double? int8Accuracy,
        IEnumerable<GateSpeed> speed,
        GateOptions options)
    {
        var failures = new List<string>();
        if (agreement < options.MinAgreement)
            failures.Add($"top-1 agreement with fp32 is {agreement:P2}, below the {options.MinAgreement:P2} required");
        if (fp32Accuracy is { } f && int8Accuracy is { } i && f - i > options.MaxAccuracyDrop)
            failures.Add($"top-1 accuracy drops from {f:F2}% to {i:F2}% ({f - i:F2} points), more than the " +
                $"{options.MaxAccuracyDrop:F2} allowed");
        foreach (var s in speed.Where(s => s.Speedup < options.MinSpeedup))
            failures.Add($"at batch {s.Batch} int8 takes {s.Int8.MedianMs:F2} ms against fp32's {s.Fp32.MedianMs:F2} " +
                $"ms ({s.Speedup:F2}x; at least {options.MinSpeedup:F2}x required)");
        return failures;
    }

    private static GateSpeed Time(OrtClassifier fp32, OrtClassifier int8, float[] image, int batch, int iterations)
    {
        var input = new float[batch * image.Length];
        for (int i = 0; i < batch; i++) image.CopyTo(input, i * image.Length);
        var outA = new float[batch * fp32.NumClasses];
        var outB = new float[batch * int8.NumClasses];
        var bench = new LatencyBenchmark { Warmup = 5, Iterations = Math.Max(10, iterations / batch), PerRound = 1 };
        var r = bench.MeasureInterleaved(batch, [("fp32", () => fp32.Run(input, batch, outA)), ("int8",
            () => int8.Run(input, batch, outB))]);
        return new GateSpeed(batch, r[0], r[1]);
    }
}
