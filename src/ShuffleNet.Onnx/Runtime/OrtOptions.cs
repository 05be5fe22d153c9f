using Microsoft.ML.OnnxRuntime;

namespace ShuffleNet.Onnx.Runtime;

/// <summary>ONNX Runtime session settings for <see cref="OrtClassifier"/>; the defaults are the fastest measured here.</summary>
public sealed record OrtOptions
{
    /// <summary>Intra-op threads (one per core: 2 on the project machine).</summary>
    public int Threads { get; init; } = 2;

    /// <summary>
    /// Whether idle pool threads spin between ops instead of sleeping (ORT's default). Off by default: on
    /// this project's shared 2-core machine, with other processes busy, spinning made batch-1 latency
    /// 2.7x worse (12.0 ms against 4.4 ms); turn it on for a machine of one's own.
    /// </summary>
    public bool AllowSpinning { get; init; }

    /// <summary>Input height and width for models exported with a dynamic size (ignored where the model fixes them).</summary>
    public int ImageSize { get; init; } = 224;

    internal SessionOptions ToSessionOptions()
    {
        var o = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = Threads,
            InterOpNumThreads = 1,
        };
        o.AddSessionConfigEntry("session.intra_op.allow_spinning", AllowSpinning ? "1" : "0");
        return o;
    }
}
