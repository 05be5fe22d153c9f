using ShuffleNet.Onnx.Export;

namespace ShuffleNet.Onnx.Quantization;

/// <summary>
/// Writes operators in QDQ form: an op reads <c>DequantizeLinear</c> of 8-bit activations, of int8 weights and of an
/// int32 bias, and its output goes through <c>QuantizeLinear</c>; ONNX Runtime fuses each such group into one integer
/// op (<c>QLinearConv</c>, <c>QGemm</c>). Activations are named by quantization point, whose calibrated range gives
/// their scale. With no ranges (<c>null</c>) the same ops are written in float32 and every point's value becomes an
/// extra output (<see cref="CalibrationOutputs"/>): the calibration graph.
/// </summary>
internal sealed class QdqWriter(OnnxGraph g, QuantizeOptions o, IReadOnlyDictionary<string, ActivationRange>? ranges)
{
    public OnnxGraph Graph => g;

    /// <summary>True while writing the float32 calibration graph.</summary>
    public bool Calibrating => ranges is null;

    /// <summary>Calibration graph only: each extra output's name and the quantization point it measures.</summary>
    public Dictionary<string, string> CalibrationOutputs { get; } = [];

    /// <summary>
    /// Calibration graph: makes <paramref name="value"/> an output measuring <paramref name="point"/>.
    /// </summary>
    public string Observe(string value, string point)
    {
        if (Calibrating) CalibrationOutputs[value] = point;
        return value;
    }

    /// <summary>The activation quantization of <paramref name="point"/>.</summary>
    public QuantParams Params(string point)
    {
        if (!ranges!.TryGetValue(point, out var r))
            throw new OnnxExportException($"no calibrated range for quantization point '{point}'; calibrate with the " +
                "same options");
        return QuantParams.FromRange(r.Min, r.Max, o.Activations);
    }

    public string Quantize(string x, string point) => QuantizeOp("QuantizeLinear", x, point);

    // one DequantizeLinear per reader: ONNX Runtime fuses a DQ into the op that reads it
    public string Dequantize(string x, string point) => QuantizeOp("DequantizeLinear", x, point);

    /// <summary>
    /// Conv (weights [O, I/groups, k, k], padding k/2) with bias, then ReLU if <paramref name="relu"/>: in float32,
    /// observed as <paramref name="yPoint"/>; or DQ -> Conv -> Q from <paramref name="xPoint"/> to
    /// <paramref name="yPoint"/>.
    /// </summary>
    /// <remarks>
    /// A non-zero <paramref name="weightZeroPoint"/> (asymmetric weights) sends ONNX Runtime's QLinearConv to its
    /// im2col + GEMM path instead of its symmetric indirect-conv kernels.
    /// </remarks>
    public string Conv(string x, string xPoint, float[] weight, float[] bias, int outs, int inPerGroup, int kernel,
        int stride, int groups,
        string yPoint, bool relu, string hint, int weightZeroPoint = 0)
    {
        if (Calibrating)
        {
            var y = g.Conv(x, weight, bias, outs, inPerGroup, kernel, stride, groups, hint);
            return Observe(relu ? g.Relu(y) : y, yPoint);
        }
        var (wq, ws) = WeightQuantizer.Quantize(weight, outs, o.PerChannel, weightZeroPoint);
        var (bq, bs) = WeightQuantizer.QuantizeBias(bias, Params(xPoint).Scale, ws);
        int pad = kernel / 2;
        var conv = g.Add("Conv", [Dequantize(x, xPoint), DequantizeInt8(hint + "_w", wq, ws, [outs, inPerGroup, kernel,
            kernel], weightZeroPoint),
                DequantizeInt32(hint + "_b", bq, bs)],
            new OnnxAttribute("kernel_shape", Ints: [kernel, kernel]),
            new OnnxAttribute("strides", Ints: [stride, stride]),
            new OnnxAttribute("pads", Ints: [pad, pad, pad, pad]),
            new OnnxAttribute("group", Int: groups));
        // the output's zero point is the type's lowest integer after a ReLU, so QuantizeLinear's clamp is the ReLU
        if (relu && !o.FoldRelu) conv = g.Relu(conv);
        return Quantize(conv, yPoint);
    }

    /// <summary>
    /// Fully connected layer to a float32 output named <paramref name="output"/>: weights [outs, ins].
    /// </summary>
    public string Linear(string x, string? xPoint, float[] weight, float[] bias, int outs, int ins, string output)
    {
        string[] inputs;
        if (Calibrating || xPoint is null)
            inputs = [x, g.Constant("fc_w", weight, outs, ins), g.Constant("fc_b", bias, outs)];
        else
        {
            var (wq, ws) = WeightQuantizer.Quantize(weight, outs, o.PerChannel);
            var (bq, bs) = WeightQuantizer.QuantizeBias(bias, Params(xPoint).Scale, ws);
            inputs = [Dequantize(x, xPoint), DequantizeInt8("fc_w", wq, ws, [outs, ins]), DequantizeInt32("fc_b", bq,
                bs)];
        }
        g.Nodes.Add(new OnnxNode("Gemm", "head_fc", inputs, [output], [new OnnxAttribute("transB", Int: 1)]));
        return output;
    }

    private string QuantizeOp(string op, string x, string point)
    {
        var p = Params(point);
        return g.Add(op, [x, g.Constant($"{point}_scale", [p.Scale]), g.RawConstant($"{point}_zero", p.OnnxType,
            [p.ZeroPointByte])]);
    }

    private string DequantizeInt8(string hint, sbyte[] q, float[] scales, long[] dims, int zeroPoint = 0)
    {
        var raw = new byte[q.Length];
        Buffer.BlockCopy(q, 0, raw, 0, q.Length);
        return ScaledDequantize(g.RawConstant(hint, OnnxDataType.Int8, raw, dims), hint, scales, OnnxDataType.Int8, 1,
            unchecked((byte)(sbyte)zeroPoint));
    }

    private string DequantizeInt32(string hint, int[] q, float[] scales)
    {
        var raw = new byte[q.Length * sizeof(int)];
        Buffer.BlockCopy(q, 0, raw, 0, raw.Length);
        return ScaledDequantize(g.RawConstant(hint, OnnxDataType.Int32, raw, q.Length), hint, scales,
            OnnxDataType.Int32, sizeof(int));
    }

    // per output channel (axis 0), or one scalar scale
    private string ScaledDequantize(string value, string hint, float[] scales, int zeroType, int zeroBytes,
        byte zero = 0)
    {
        if (o.PerChannel)
            return g.Add("DequantizeLinear", [value, g.Constant(hint + "_scale", scales, scales.Length),
                g.RawConstant(hint + "_zero", zeroType, Filled(scales.Length * zeroBytes, zero), scales.Length)],
                    new OnnxAttribute("axis", Int: 0));
        return g.Add("DequantizeLinear", [value, g.Constant(hint + "_scale", [scales[0]]), g.RawConstant(hint + "_zero",
            zeroType, Filled(zeroBytes, zero))]);
    }

    private static byte[] Filled(int length, byte value) => Enumerable.Repeat(value, length).ToArray();
}
