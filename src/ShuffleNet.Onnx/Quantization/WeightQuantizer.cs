namespace ShuffleNet.Onnx.Quantization;

/// <summary>
/// Symmetric int8 weights (zero point 0), one scale per output channel or one for the tensor, and the int32 bias
/// that goes with them: <c>round(b / (inputScale * weightScale))</c>, the bias ONNX's <c>QLinearConv</c> adds to
/// its int32 accumulator.
/// </summary>
internal static class WeightQuantizer
{
    /// <summary>
    /// Quantized weights [O, ...] and the scale of each output channel (all equal when not
    /// <paramref name="perChannel"/>); the largest magnitude maps to 127 - |<paramref name="zeroPoint"/>| steps from
    /// the zero point, 0 (symmetric) by default.
    /// </summary>
    public static (sbyte[] Weight, float[] Scales) Quantize(float[] weight, int outChannels, bool perChannel,
        int zeroPoint = 0)
    {
        int per = weight.Length / outChannels, steps = 127 - Math.Abs(zeroPoint);
        var scales = new float[outChannels];
        float tensorMax = perChannel ? 0 : MaxAbs(weight);
        for (int o = 0; o < outChannels; o++)
        {
            float max = perChannel ? MaxAbs(weight.AsSpan(o * per, per)) : tensorMax;
            scales[o] = max > 0 ? max / steps : 1f;
        }
        var q = new sbyte[weight.Length];
        for (int o = 0; o < outChannels; o++)
        {
            var p = new QuantParams(scales[o], zeroPoint, QuantType.Int8);
            for (int j = o * per; j < (o + 1) * per; j++) q[j] = (sbyte)Math.Clamp(p.Quantize(weight[j]),
                zeroPoint - steps, zeroPoint + steps);
        }
        return (q, scales);
    }

    /// <summary>
    /// Bias scales (<c>inputScale * weightScale</c>, in float32 as ONNX Runtime multiplies them) and the int32 bias.
    /// </summary>
    public static (int[] Bias, float[] Scales) QuantizeBias(float[] bias, float inputScale, float[] weightScales)
    {
        var scales = weightScales.Select(s => inputScale * s).ToArray();
        var q = new int[bias.Length];
        for (int o = 0; o < bias.Length; o++)
        {
            double v = Math.Round(bias[o] / (double)scales[o], MidpointRounding.ToEven);
            q[o] = (int)Math.Clamp(v, int.MinValue + 1, int.MaxValue);
        }
        return (q, scales);
    }

    private static float MaxAbs(ReadOnlySpan<float> values)
    {
        float m = 0;
        foreach (var v in values) m = Math.Max(m, Math.Abs(v));
        return m;
    }
}
