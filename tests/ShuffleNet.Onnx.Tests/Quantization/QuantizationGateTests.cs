using ShuffleNet.Checkpoints;
using ShuffleNet.Onnx.Export;
using ShuffleNet.Onnx.Quantization;
using ShuffleNet.Onnx.Runtime;

namespace ShuffleNet.Onnx.Tests.Quantization;

public class QuantizationGateTests
{
    private const int Size = 64;
    private static readonly QuantizeOptions Small = new() { ImageSize = null };
    private static readonly OrtOptions Runtime = new() { ImageSize = Size };
    // the gate's accuracy rules only: speed is measured by benchmarks, not by unit tests
    private static readonly GateOptions NoTiming = new() { SpeedBatches = [], MinAgreement = 0.9 };

    [Fact]
    public void Gate_passes_a_properly_calibrated_model_and_refuses_one_calibrated_on_ranges_100_times_too_small()
    {
        var sd = TestData.RandomStateDict(Width.X0_5, seed: 3);
        var ranges = Calibrate(sd);
        var tooSmall = ranges.ToDictionary(kv => kv.Key, kv => new ActivationRange(kv.Value.Min / 100,
            kv.Value.Max / 100));
        using var fp32 = OrtClassifier.FromBytes(OnnxExporter.ExportToBytes(sd, new ExportOptions { ImageSize = null }),
            Runtime);
        using var good = OrtClassifier.FromBytes(QuantizedExporter.ExportToBytes(sd, ranges, Small), Runtime);
        using var bad = OrtClassifier.FromBytes(QuantizedExporter.ExportToBytes(sd, tooSmall, Small), Runtime);
        var heldOut = Batches(seed: 50, count: 4).ToList();

        var pass = QuantizationGate.Evaluate(fp32, good, heldOut, NoTiming);
        var fail = QuantizationGate.Evaluate(fp32, bad, heldOut, NoTiming);

        Assert.True(pass.Passed, string.Join("; ", pass.Failures));
        Assert.Equal(32, pass.Images);
        Assert.False(fail.Passed);
        Assert.Contains(fail.Failures, f => f.StartsWith("top-1 agreement with fp32 is", StringComparison.Ordinal));
    }

    [Fact]
    public void Gate_reports_accuracy_where_labels_exist_and_refuses_a_drop_beyond_the_threshold()
    {
        var sd = TestData.RandomStateDict(Width.X0_5, seed: 3);
        var ranges = Calibrate(sd);
        var tooSmall = ranges.ToDictionary(kv => kv.Key, kv => new ActivationRange(kv.Value.Min / 100,
            kv.Value.Max / 100));
        using var fp32 = OrtClassifier.FromBytes(OnnxExporter.ExportToBytes(sd, new ExportOptions { ImageSize = null }),
            Runtime);
        using var bad = OrtClassifier.FromBytes(QuantizedExporter.ExportToBytes(sd, tooSmall, Small), Runtime);
        // labels: the float model's own predictions, so fp32 scores 100%
        var heldOut = Batches(seed: 50, count: 4).Select(b => b with { Labels = ArgMaxes(fp32.Run(b.Images, b.Count),
            fp32.NumClasses) }).ToList();

        var report = QuantizationGate.Evaluate(fp32, bad, heldOut, NoTiming with { MinAgreement = 0 });

        Assert.Equal(100, report.Fp32Accuracy);
        Assert.Equal(report.Agreement * 100, report.Int8Accuracy!.Value, 9);
        Assert.Contains(report.Failures, f => f.StartsWith("top-1 accuracy drops from 100.00%",
            StringComparison.Ordinal));
    }

    [Fact]
    public void Gate_refuses_a_model_slower_than_fp32_at_any_batch_size_timed()
    {
        static LatencyResult Ms(string name, int batch, double ms) => new(name, batch, 10, ms, ms, ms, ms,
            batch * 1000 / ms);
        GateSpeed[] speed = [new(1, Ms("fp32", 1, 2.0), Ms("int8", 1, 1.0)), new(32, Ms("fp32", 32, 60), Ms("int8", 32,
            75))];

        var failures = QuantizationGate.Judge(1.0, null, null, speed, new GateOptions());

        var only = Assert.Single(failures);
        Assert.Equal("at batch 32 int8 takes 75.00 ms against fp32's 60.00 ms (0.80x; at least 1.00x required)", only);
        Assert.Empty(QuantizationGate.Judge(1.0, null, null, speed, new GateOptions { MinSpeedup = 0.8 }));
    }

    private static Dictionary<string, ActivationRange> Calibrate(StateDict sd)
    {
        using var calibrator = new Calibrator(QuantizedExporter.CalibrationModel(sd, Small), Runtime);
        return calibrator.Calibrate(Batches(seed: 10, count: 4));
    }

    private static IEnumerable<ImageBatch> Batches(int seed, int count) =>
        Enumerable.Range(0, count).Select(i => new ImageBatch(TestData.RandomInput(8 * 3 * Size * Size, seed: seed + i),
            8));

    private static int[] ArgMaxes(float[] logits, int classes) =>
        Enumerable.Range(0, logits.Length / classes).Select(i =>
        {
            var row = logits.AsSpan(i * classes, classes);
            int best = 0;
            for (int c = 1; c < classes; c++) if (row[c] > row[best]) best = c;
            return best;
        }).ToArray();
}
