namespace ShuffleNet.Onnx.Quantization;

/// <summary>The 8-bit integer type of a quantized tensor.</summary>
public enum QuantType
{
    /// <summary>
    /// 0 to 255: activations (ONNX Runtime's fast x86 kernels multiply uint8 activations by int8 weights).
    /// </summary>
    UInt8,

    /// <summary>-128 to 127: weights (symmetric, -127 to 127), or activations where asked for.</summary>
    Int8,
}

/// <summary>
/// Affine quantization of one tensor (or one channel): <c>q = saturate(round(x / Scale) + ZeroPoint)</c>, rounding half
/// to even, and <c>x = (q - ZeroPoint) * Scale</c>: ONNX's <c>QuantizeLinear</c> and <c>DequantizeLinear</c>, computed
/// in float32 as ONNX Runtime computes them.
/// </summary>
/// <param name="Scale">Real value of one integer step; positive.</param>
/// <param name="ZeroPoint">The integer that stands for 0.0 (exactly representable, so ReLU's zero and zero padding are
/// exact).</param>
/// <param name="Type">The integer type.</param>
public readonly record struct QuantParams(float Scale, int ZeroPoint, QuantType Type)
{
    /// <summary>Smallest integer of <see cref="Type"/>.</summary>
    public int Min => Type == QuantType.UInt8 ? byte.MinValue : sbyte.MinValue;

    /// <summary>Largest integer of <see cref="Type"/>.</summary>
    public int Max => Type == QuantType.UInt8 ? byte.MaxValue : sbyte.MaxValue;

    /// <summary>
    /// The parameters that map <c>[min, max]</c> (widened to include 0) onto the whole integer range, zero point
    /// rounded to an integer; a ReLU output (<paramref name="min"/> 0) gets the type's lowest integer as zero
    /// point, so the quantization's own clamp is the ReLU. An empty range (0, 0) gets scale 1.
    /// </summary>
    public static QuantParams FromRange(float min, float max, QuantType type)
    {
        if (!float.IsFinite(min) || !float.IsFinite(max) || min > max)
            throw new ArgumentException($"range [{min}, {max}] is not a finite interval");
        min = Math.Min(min, 0);
        max = Math.Max(max, 0);
        int qmin = type == QuantType.UInt8 ? 0 : -128, qmax = qmin + 255;
        if (max - min == 0) return new QuantParams(1f, qmin, type);
        float scale = (max - min) / (qmax - qmin);
        int zero = Math.Clamp((int)MathF.Round(qmin - min / scale, MidpointRounding.ToEven), qmin, qmax);
        return new QuantParams(scale, zero, type);
    }

    /// <summary>
    /// Symmetric int8 for weights: zero point 0, <c>[-maxAbs, maxAbs]</c> onto -127 to 127 (scale 1 when maxAbs is 0).
    /// </summary>
    public static QuantParams Symmetric(float maxAbs) =>
        new(maxAbs > 0 ? maxAbs / 127f : 1f, 0, QuantType.Int8);

    /// <summary>ONNX <c>QuantizeLinear</c> of one value.</summary>
    public int Quantize(float x) =>
        // clamped before the cast: no overflow
        (int)Math.Clamp(MathF.Round(x / Scale, MidpointRounding.ToEven) + ZeroPoint, Min, Max);

    /// <summary>ONNX <c>DequantizeLinear</c> of one value.</summary>
    public float Dequantize(int q) => (q - ZeroPoint) * Scale;

    /// <summary>The real interval this quantization covers.</summary>
    public (float Min, float Max) Range => (Dequantize(Min), Dequantize(Max));

    /// <summary>The zero point as the one byte the ONNX tensor holds.</summary>
    internal byte ZeroPointByte => Type == QuantType.UInt8 ? (byte)ZeroPoint : unchecked((byte)(sbyte)ZeroPoint);

    /// <summary>The ONNX data type of the integer tensor.</summary>
    internal int OnnxType => Type == QuantType.UInt8 ? Export.OnnxDataType.UInt8 : Export.OnnxDataType.Int8;
}
