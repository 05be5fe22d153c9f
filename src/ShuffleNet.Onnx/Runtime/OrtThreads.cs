using Microsoft.ML.OnnxRuntime;

namespace ShuffleNet.Onnx.Runtime;

/// <summary>ONNX Runtime's process-wide thread pool, for timing several sessions in turn on the same threads.</summary>
/// <remarks>
/// Each session otherwise owns a pool, and a pool that spins after its call returns takes a core from the
/// next session's call: two models timed call by call then disturb each other (figures:
/// <c>benchmarks/onnx/results.md</c>, "Spinning, and timing several models in one process"). One shared pool
/// makes the comparison like for like whatever the spin setting.
/// </remarks>
public static class OrtThreads
{
    /// <summary>
    /// Creates ONNX Runtime's environment with one intra-op pool of <paramref name="threads"/> threads that
    /// sessions opened with <see cref="OrtOptions.SharedThreadPool"/> run on. Call it before anything else
    /// in the process uses ONNX Runtime.
    /// </summary>
    /// <exception cref="InvalidOperationException">ONNX Runtime's environment already exists.</exception>
    public static void ShareOnePool(int threads, bool allowSpinning)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        var threading = new OrtThreadingOptions { GlobalIntraOpNumThreads = threads, GlobalInterOpNumThreads = 1,
            GlobalSpinControl = allowSpinning };
        var options = new EnvironmentCreationOptions { threadOptions = threading,
            logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        try
        {
            OrtEnv.CreateInstanceWithOptions(ref options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidOperationException("ONNX Runtime's environment already exists; share one pool before " +
                "opening any session", e);
        }
    }
}
