using Microsoft.ML.OnnxRuntime;
using ShuffleNet.Onnx.Export;
using ShuffleNet.Onnx.Quantization;

namespace ShuffleNet.Onnx.Tests.Quantization;

/// <summary>
/// One 3x3 conv with ReLU, 2 channels in and 3 out, calibrated on two 4x4 images and quantized through the same
/// writer ShuffleNet uses; checked against integer arithmetic done here by hand.
/// </summary>
public class TinyModelTests
{
    private const int In = 2, Out = 3, H = 4, W = 4;

    // output channel o's weights reach about 0.5 * (o + 1): a scale of its own
    private static readonly float[] Weight = Enumerable.Range(0, Out * In * 9)
        .Select(i => (float)Math.Sin(i * 1.7) * 0.5f * (1 + i / (In * 9))).ToArray();
    private static readonly float[] Bias = [0.1f, -0.2f, 0.05f];

    // two images: a ramp and its negative with a twist, values in [-1.5, 1.6]
    private static readonly float[] Images = Enumerable.Range(0, 2 * In * H * W)
        .Select(i => i < In * H * W ? i / 20f - 0.5f : (float)Math.Cos(i) * 1.5f).ToArray();

    [Fact]
    public void Calibrated_ranges_are_the_extremes_of_the_input_and_of_the_relu_output()
    {
        var ranges = Calibrate();

        Assert.Equal(Images.Min(), ranges[QdqGraphBuilder.InputPoint].Min);
        Assert.Equal(Images.Max(), ranges[QdqGraphBuilder.InputPoint].Max);
        var y = ConvRelu(Images, 2);
        Assert.Equal(0f, ranges["y"].Min);
        Assert.Equal(y.Max(), ranges["y"].Max, 5);
    }

    [Fact]
    public void Percentile_calibration_clips_a_rare_outlier_that_min_max_keeps()
    {
        // 64 images of values uniform in [0, 1), one pixel of one image at 100
        var rng = new Random(5);
        var images = Enumerable.Range(0, 64 * In * H * W).Select(_ => (float)rng.NextDouble()).ToArray();
        images[1234] = 100f;
        using var calibrator = new Calibrator(CalibrationGraphOfTheConv());

        var minMax = calibrator.Calibrate([new ImageBatch(images, 64)]);
        var clipped = calibrator.Calibrate([new ImageBatch(images, 64)], CalibrationMethod.Percentile,
            percentile: 99.9);

        Assert.Equal(100f, minMax[QdqGraphBuilder.InputPoint].Max);
        // 99.9% of |x| lie below 0.999; bins are 100 / 4096 wide, the clip is the upper edge of the bin that reaches it
        Assert.InRange(clipped[QdqGraphBuilder.InputPoint].Max, 0.999f, 0.999f + 100f / 4096);
        Assert.Equal(minMax[QdqGraphBuilder.InputPoint].Min, clipped[QdqGraphBuilder.InputPoint].Min);
    }

    [Fact]
    public void Int8_output_equals_integer_arithmetic_done_by_hand()
    {
        var ranges = Calibrate();
        var model = Write(ranges);

        var actual = Run(model, Images, 2);

        // by hand: quantize the input, quantize weights per output channel (symmetric, 127 at the largest magnitude)
        // and the bias (scale input x weight), accumulate in integers, requantize to the ReLU output's scale
        var x = QuantParams.FromRange(Images.Min(), Images.Max(), QuantType.UInt8);
        var y = QuantParams.FromRange(0, ranges["y"].Max, QuantType.UInt8);
        Assert.Equal(0, y.ZeroPoint);
        var xq = Images.Select(v => x.Quantize(v)).ToArray();
        var expected = new float[2 * Out * H * W];
        for (int n = 0; n < 2; n++)
            for (int o = 0; o < Out; o++)
            {
                var row = Weight.AsSpan(o * In * 9, In * 9);
                float ws = MaxAbs(row) / 127f;
                var wq = row.ToArray().Select(v => (int)Math.Round(v / ws, MidpointRounding.ToEven)).ToArray();
                long bq = (long)Math.Round(Bias[o] / (x.Scale * ws), MidpointRounding.ToEven);
                for (int i = 0; i < H; i++)
                    for (int j = 0; j < W; j++)
                    {
                        long acc = bq;
                        for (int c = 0; c < In; c++)
                            for (int ki = 0; ki < 3; ki++)
                                for (int kj = 0; kj < 3; kj++)
                                {
                                    int ii = i + ki - 1, jj = j + kj - 1;
                                    // zero padding: (zp - zp) = 0
                                    if (ii < 0 || ii >= H || jj < 0 || jj >= W) continue;
                                    acc += (long)(xq[((n * In + c) * H + ii) * W + jj] - x.ZeroPoint) * wq[(c * 3
                                        + ki) * 3 + kj];
                                }
                        double real = acc * (double)x.Scale * ws;
                        int q = (int)Math.Clamp(Math.Round(real / y.Scale, MidpointRounding.ToEven), 0, 255);
                        expected[((n * Out + o) * H + i) * W + j] = q * y.Scale;
                    }
            }

        // ONNX Runtime requantizes with a float32 multiplier: a value on a rounding boundary may land one step away
        var steps = actual.Zip(expected, (a, e) => Math.Abs(a - e) / y.Scale).ToArray();
        Assert.All(steps, s => Assert.InRange(s, 0, 1.001));
        Assert.True(steps.Count(s => s < 1e-3) >= steps.Length * 0.95,
            $"{steps.Count(s => s < 1e-3)} of {steps.Length} exact");
        Assert.Contains(expected, v => v > 0);   // not all clamped
        Assert.Contains(expected, v => v == 0);  // the ReLU clamps some
    }

    [Fact]
    public void Onnx_runtime_fuses_the_qdq_conv_into_one_integer_conv()
    {
        var model = Write(Calibrate());
        using var so = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        var path = Path.Combine(Path.GetTempPath(), $"tiny-{Guid.NewGuid():N}.onnx");
        so.OptimizedModelFilePath = path;
        try
        {
            using (new InferenceSession(model, so)) { }
            var ops = OnnxModelInfo.Read(File.ReadAllBytes(path)).OpTypes;
            Assert.Contains("QLinearConv", ops);
            Assert.DoesNotContain("Conv", ops);
            Assert.DoesNotContain("Relu", ops);
        }
        finally { File.Delete(path); }
    }

    private static Dictionary<string, ActivationRange> Calibrate()
    {
        using var calibrator = new Calibrator(CalibrationGraphOfTheConv());
        return calibrator.Calibrate([new ImageBatch(Images, 2)]);
    }

    private static CalibrationGraph CalibrationGraphOfTheConv()
    {
        var g = new OnnxGraph();
        var writer = new QdqWriter(g, new QuantizeOptions(), ranges: null);
        Finish(g, writer.Conv("input", QdqGraphBuilder.InputPoint, Weight, Bias, Out, In, 3, 1, 1, "y", relu: true,
            "conv"));
        var bytes = OnnxModelWriter.Write(g, 13, "tiny", Input, Output, new Dictionary<string, string>(),
            writer.CalibrationOutputs.Keys);
        return new CalibrationGraph(bytes, writer.CalibrationOutputs);
    }

    private static byte[] Write(Dictionary<string, ActivationRange> ranges)
    {
        var g = new OnnxGraph();
        var writer = new QdqWriter(g, new QuantizeOptions(), ranges);
        var x = writer.Quantize("input", QdqGraphBuilder.InputPoint);
        var y = writer.Conv(x, QdqGraphBuilder.InputPoint, Weight, Bias, Out, In, 3, 1, 1, "y", relu: true, "conv");
        Finish(g, writer.Dequantize(y, "y"));
        return OnnxModelWriter.Write(g, 13, "tiny", Input, Output, new Dictionary<string, string>());
    }

    private static readonly OnnxValue Input = new("input", (null, "N"), (In, null), (H, null), (W, null));
    private static readonly OnnxValue Output = new("output", (null, "N"), (Out, null), (H, null), (W, null));

    private static void Finish(OnnxGraph g, string value) => g.Nodes.Add(new OnnxNode("Identity", "out", [value],
        ["output"], []));

    private static float[] Run(byte[] model, float[] input, int n)
    {
        using var session = new InferenceSession(model);
        using var value = OrtValue.CreateTensorValueFromMemory(input, [n, In, H, W]);
        using var results = session.Run(new RunOptions(), ["input"], [value], ["output"]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    // float reference: relu(conv(x) + b), zero padding
    private static float[] ConvRelu(float[] x, int n)
    {
        var y = new float[n * Out * H * W];
        for (int b = 0; b < n; b++)
            for (int o = 0; o < Out; o++)
                for (int i = 0; i < H; i++)
                    for (int j = 0; j < W; j++)
                    {
                        double acc = Bias[o];
                        for (int c = 0; c < In; c++)
                            for (int ki = 0; ki < 3; ki++)
                                for (int kj = 0; kj < 3; kj++)
                                {
                                    int ii = i + ki - 1, jj = j + kj - 1;
                                    if (ii >= 0 && ii < H && jj >= 0 && jj < W)
                                        acc += x[((b * In + c) * H + ii) * W + jj] * Weight[((o * In + c) * 3 + ki) * 3
                                            + kj];
                                }
                        y[((b * Out + o) * H + i) * W + j] = (float)Math.Max(acc, 0);
                    }
        return y;
    }

    private static float MaxAbs(ReadOnlySpan<float> v)
    {
        float m = 0;
        foreach (var a in v) m = Math.Max(m, Math.Abs(a));
        return m;
    }
}
