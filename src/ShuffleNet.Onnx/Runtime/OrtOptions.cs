using Microsoft.ML.OnnxRuntime;

namespace ShuffleNet.Onnx.Runtime;

/// <summary>
/// ONNX Runtime session settings for <see cref="OrtClassifier"/>; the defaults are the fastest measured on the
/// project machine (<c>benchmarks/onnx/results.md</c>).
/// </summary>
public sealed record OrtOptions
{
    /// <summary>Intra-op threads (one per core: 2 on the project machine).</summary>
    public int Threads { get; init; } = 2;

    /// <summary>
    /// Whether idle pool threads spin, waiting for the next op, instead of sleeping (ORT's default). Spinning saves
    /// a wake-up per op on an otherwise idle machine, but costs more than it saves when another process (such as
    /// the data loader decoding beside the model) is busy on a core, so it is off by default.
    /// <c>shufflenet benchmark</c>, which times a model with the cores to itself, spins (ORT's default). Sessions
    /// timed in turn should share one pool (<see cref="SharedThreadPool"/>). Figures:
    /// <c>benchmarks/onnx/results.md</c> ("Spinning, and timing several models in one process").
    /// </summary>
    public bool AllowSpinning { get; init; }

    /// <summary>
    /// Run on the pool made by <see cref="OrtThreads.ShareOnePool"/> instead of one of the session's own
    /// (the session fails to open if there is none); <see cref="Threads"/> and <see cref="AllowSpinning"/>
    /// are then the shared pool's.
    /// </summary>
    public bool SharedThreadPool { get; init; }

    /// <summary>
    /// Input height and width for models exported with a dynamic size (ignored where the model fixes them); null: the
    /// size images of the model's channel count get here (<c>StemOptions.ImageSizeFor</c>: 224 RGB, 28 grayscale).
    /// </summary>
    public int? ImageSize { get; init; }

    internal SessionOptions ToSessionOptions()
    {
        var o = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            // ORT's warnings (coloured, on stderr) are about graph rewrites, not the user's input
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        if (SharedThreadPool)
        {
            o.DisablePerSessionThreads();
            return o;
        }
        o.IntraOpNumThreads = Threads;
        o.InterOpNumThreads = 1;
        o.AddSessionConfigEntry("session.intra_op.allow_spinning", AllowSpinning ? "1" : "0");
        return o;
    }
}
