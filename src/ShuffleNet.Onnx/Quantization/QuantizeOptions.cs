using ShuffleNet.Checkpoints;
using ShuffleNet.Onnx.Export;

namespace ShuffleNet.Onnx.Quantization;

/// <summary>An activation's calibrated real interval.</summary>
/// <param name="Min">Smallest value seen (or kept, after clipping outliers).</param>
/// <param name="Max">Largest value seen (or kept).</param>
public sealed record ActivationRange(float Min, float Max);

/// <summary>How activation ranges are calibrated from the values seen.</summary>
public enum CalibrationMethod
{
    /// <summary>The smallest and largest value seen.</summary>
    MinMax,

    /// <summary>
    /// The <see cref="QuantizeOptions.Percentile"/> percentile of absolute values: outliers are clipped.
    /// </summary>
    Percentile,
}

/// <summary>Options of <see cref="QuantizedExporter"/>: the graph it writes and how it is calibrated.</summary>
public sealed record QuantizeOptions
{
    /// <summary>One int8 scale per output channel of each conv (else one per conv).</summary>
    public bool PerChannel { get; init; } = true;

    /// <summary>Keep the first conv (and the max-pool after it) in float32; its input is quantized after it.</summary>
    public bool KeepStemFp32 { get; init; }

    /// <summary>
    /// Keep global pooling and the classifier in float32 (else QLinearGlobalAveragePool and an int8 Gemm).
    /// </summary>
    public bool KeepHeadFp32 { get; init; }

    /// <summary>Integer type of activations; weights are always symmetric int8.</summary>
    public QuantType Activations { get; init; } = QuantType.UInt8;

    /// <summary>
    /// ReLU is the quantization's own clamp (zero point at the type's lowest integer), so no Relu node is written.
    /// False writes Conv, Relu, QuantizeLinear (the same numbers; for measuring what folding saves).
    /// </summary>
    public bool FoldRelu { get; init; } = true;

    /// <summary>
    /// Split and Concat run on the 8-bit tensors (every branch output of a stage shares one scale, so no
    /// requantization is needed). False dequantizes before them and quantizes after (for measuring).
    /// </summary>
    public bool IntegerSplitConcat { get; init; } = true;

    /// <summary>
    /// Each reader's channels of a branch output are written by a conv of their own (the rows of the branch's last
    /// conv it reads) instead of one conv whose output is split (for measuring).
    /// </summary>
    public bool SplitByConvs { get; init; }

    /// <summary>
    /// The stem's int8 weights get zero point 1 instead of 0. ONNX Runtime's symmetric indirect-conv kernel, which
    /// every other conv uses, is slow on the stem's 3 input channels; asymmetric weights send the stem to im2col and
    /// an int8 GEMM instead.
    /// </summary>
    public bool StemGemm { get; init; }

    /// <summary>How activation ranges are calibrated.</summary>
    public CalibrationMethod Method { get; init; } = CalibrationMethod.MinMax;

    /// <summary>Percentile of absolute activation values kept by <see cref="CalibrationMethod.Percentile"/>.</summary>
    public double Percentile { get; init; } = 99.999;

    /// <summary>
    /// The stem the weights were trained with. Null: the paper's for RGB weights; grayscale weights need it (their
    /// stride and max-pool are in the checkpoint's <c>meta.stem</c>: <see cref="StemOptions.FromCheckpoint"/>).
    /// </summary>
    public StemOptions? Stem { get; init; }

    /// <summary>Fixed batch size, or null for a dynamic batch dimension.</summary>
    public int? Batch { get; init; }

    /// <summary>
    /// Fixed square input size; <see cref="ExportOptions.StemImageSize"/> (the default) for the stem's own (224 for
    /// RGB, 28 for grayscale), or null for dynamic height and width.
    /// </summary>
    public int? ImageSize { get; init; } = ExportOptions.StemImageSize;

    /// <summary>Class names stored in the model's metadata, or null.</summary>
    public IReadOnlyList<string>? Classes { get; init; }
}
