using Microsoft.ML.OnnxRuntime;
using ShuffleNet.Onnx.Export;
using ShuffleNet.Onnx.Quantization;

namespace ShuffleNet.Onnx.Tests.Quantization;

public class QuantParamsTests
{
    public static TheoryData<float, float, QuantType> Ranges() => new()
    {
        { 0f, 6f, QuantType.UInt8 },
        { -2.1179f, 2.64f, QuantType.UInt8 },
        { -0.37f, 11.3f, QuantType.UInt8 },
        { 0f, 6f, QuantType.Int8 },
        { -2.1179f, 2.64f, QuantType.Int8 },
    };

    [Theory]
    [MemberData(nameof(Ranges))]
    public void Every_integer_survives_dequantize_then_quantize(float min, float max, QuantType type)
    {
        var p = QuantParams.FromRange(min, max, type);

        for (int q = p.Min; q <= p.Max; q++) Assert.Equal(q, p.Quantize(p.Dequantize(q)));
    }

    [Theory]
    [MemberData(nameof(Ranges))]
    public void Zero_is_exact_and_the_range_is_covered(float min, float max, QuantType type)
    {
        var p = QuantParams.FromRange(min, max, type);

        Assert.Equal(0f, p.Dequantize(p.Quantize(0f)));
        // the zero point is rounded to an integer, which moves the covered interval by less than one step
        Assert.InRange(p.Range.Min, min - p.Scale, min + p.Scale);
        Assert.InRange(p.Range.Max, max - p.Scale, max + p.Scale);
        Assert.InRange(p.Range.Max - p.Range.Min, (max - min) * 0.9999f, (max - min) * 1.0001f);
        Assert.Equal(p.Max, p.Quantize(max * 10));                  // saturates
        Assert.Equal(p.Min, p.Quantize(-1e6f));
    }

    [Fact]
    public void A_relu_range_puts_zero_at_the_lowest_integer()
    {
        Assert.Equal(0, QuantParams.FromRange(0, 4, QuantType.UInt8).ZeroPoint);
        Assert.Equal(-128, QuantParams.FromRange(0, 4, QuantType.Int8).ZeroPoint);
        Assert.Equal(4f / 255, QuantParams.FromRange(0, 4, QuantType.UInt8).Scale);
    }

    [Fact]
    public void Rounding_is_half_to_even_as_onnx_specifies()
    {
        var p = new QuantParams(0.5f, 10, QuantType.UInt8);

        Assert.Equal(10 + 2, p.Quantize(1.25f));    // 2.5 -> 2
        Assert.Equal(10 + 4, p.Quantize(1.75f));    // 3.5 -> 4
        Assert.Equal(10 - 2, p.Quantize(-1.25f));   // -2.5 -> -2
    }

    [Fact]
    public void Per_channel_weights_map_each_channels_largest_magnitude_to_127()
    {
        float[] w = [0.5f, -1.0f, 0.25f, /* channel 1: */ 0.01f, 0.03f, -0.04f];

        var (q, scales) = WeightQuantizer.Quantize(w, outChannels: 2, perChannel: true);
        var (qt, tensorScales) = WeightQuantizer.Quantize(w, outChannels: 2, perChannel: false);

        Assert.Equal([64, -127, 32, 32, 95, -127], q.Select(v => (int)v));   // 63.5 -> 64; 31.75 -> 32, 95.25 -> 95
        Assert.Equal([1f / 127, 0.04f / 127], scales);
        Assert.Equal([1f / 127, 1f / 127], tensorScales);
        Assert.Equal([64, -127, 32, 1, 4, -5], qt.Select(v => (int)v));
    }

    [Theory]
    [MemberData(nameof(Ranges))]
    public void Quantize_and_dequantize_match_onnx_runtime(float min, float max, QuantType type)
    {
        var p = QuantParams.FromRange(min, max, type);
        // every step, every half step (ties), and values beyond both ends
        var x = Enumerable.Range(-600, 1200).Select(i => p.Dequantize(p.ZeroPoint) + (i / 2f) * p.Scale)
            .Concat([min, max, 0f, -0f, 1e9f, -1e9f]).ToArray();

        var expected = x.Select(v => p.Dequantize(p.Quantize(v))).ToArray();

        Assert.Equal(expected, RoundTripInOnnxRuntime(x, p));
    }

    // input [n] -> QuantizeLinear -> DequantizeLinear -> output [n], written by the exporter's own graph writer
    private static float[] RoundTripInOnnxRuntime(float[] x, QuantParams p)
    {
        var g = new OnnxGraph();
        var scale = g.Constant("scale", [p.Scale]);
        var zero = g.RawConstant("zero", p.OnnxType, [p.ZeroPointByte]);
        var dq = g.Add("DequantizeLinear", [g.Add("QuantizeLinear", ["input", scale, zero]), scale, zero]);
        g.Nodes.Add(new OnnxNode("Identity", "out", [dq], ["output"], []));
        var model = OnnxModelWriter.Write(g, 13, "qdq", new OnnxValue("input", (x.Length, null)),
            new OnnxValue("output", (x.Length, null)),
            new Dictionary<string, string>());
        using var session = new InferenceSession(model);
        using var value = OrtValue.CreateTensorValueFromMemory(x, [x.Length]);
        using var results = session.Run(new RunOptions(), ["input"], [value], ["output"]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
