using ShuffleNet.Checkpoints;

namespace ShuffleNet.Onnx.Export;

/// <summary>Which graph <see cref="OnnxExporter"/> writes.</summary>
public enum ExportMode
{
    /// <summary>
    /// BatchNorm folded into the convs, channel shuffles and splits folded into weight permutations: only
    /// Conv, Add (of convs, fused by ONNX Runtime), Relu, MaxPool, Split and Concat (at most one each per
    /// block), GlobalAveragePool, Flatten, Gemm.
    /// </summary>
    Optimized,

    /// <summary>
    /// The literal graph, as <c>torch.onnx.export</c> writes it: Conv, BatchNormalization, Relu, Split,
    /// Concat and the Reshape/Transpose/Reshape channel shuffle. The tests' reference for the optimized graph.
    /// </summary>
    Naive,
}

/// <summary>Options of <see cref="OnnxExporter.Export(Checkpoint, string, string, ExportOptions?)"/>.</summary>
public sealed record ExportOptions
{
    /// <summary>Default ONNX opset: 13, the one <c>torch.onnx.export</c> used for the peer model.</summary>
    public const int DefaultOpset = 13;

    /// <summary>ONNX opset, 13 to 21.</summary>
    public int Opset { get; init; } = DefaultOpset;

    /// <summary>Fixed batch size, or null for a dynamic batch dimension named <c>N</c>.</summary>
    public int? Batch { get; init; }

    /// <summary><see cref="ImageSize"/>'s default: the stem's own size (<see cref="StemOptions.ImageSize"/>).</summary>
    public const int StemImageSize = 0;

    /// <summary>
    /// Fixed square input size; <see cref="StemImageSize"/> (the default) for the stem's own (224 for RGB, 28 for
    /// grayscale), or null for dynamic <c>H</c> and <c>W</c>.
    /// </summary>
    public int? ImageSize { get; init; } = StemImageSize;

    /// <summary>
    /// The stem the weights were trained with. Null: the checkpoint's (<see cref="StemOptions.FromCheckpoint"/>);
    /// a bare state dict has no meta, so that is the paper's stem for RGB weights and an error for grayscale ones.
    /// </summary>
    public StemOptions? Stem { get; init; }

    /// <summary>
    /// Class names in index order, stored as model metadata <c>classes</c> (newline-joined); null stores none.
    /// </summary>
    public IReadOnlyList<string>? Classes { get; init; }

    /// <summary>Graph form; <see cref="ExportMode.Optimized"/> unless testing.</summary>
    public ExportMode Mode { get; init; } = ExportMode.Optimized;
}
