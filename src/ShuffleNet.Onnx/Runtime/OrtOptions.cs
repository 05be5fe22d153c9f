using Microsoft.ML.OnnxRuntime;

namespace ShuffleNet.Onnx.Runtime;

/// <summary>ONNX Runtime session settings for <see cref="OrtClassifier"/>; the defaults are the fastest measured here.</summary>
public sealed record OrtOptions
{
    /// <summary>Intra-op threads (one per core: 2 on the project machine).</summary>
    public int Threads { get; init; } = 2;

    /// <summary>
    /// Whether idle pool threads spin, waiting for the next op, instead of sleeping (ORT's default). On an
    /// otherwise idle machine that saves a wake-up per op: batch 1 in 2.2 ms instead of 3.3 (1.0x, 2 threads,
    /// one session per process). Off by default: with another process busy on one of the 2 cores, spinning
    /// made batch 1 1.6x slower (6.5 against 4.0 ms), and data loaders decoding beside the model are such
    /// processes. <c>shufflenet benchmark</c>, which times a model with the cores to itself, spins (ORT's
    /// default). Sessions timed in turn should share one pool (<see cref="SharedThreadPool"/>).
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
