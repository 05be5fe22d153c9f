using static TorchSharp.torch;

namespace ShuffleNet.Distributed;

/// <summary>
/// NCCL's watchdog for any backend: a collective that has not returned within the timeout means a peer died or
/// diverged, and the blocked native call will never return, so the process prints which rank waited on what and exits
/// with <see cref="ExitCode"/> (the launcher then stops the other ranks). Checkpoints are written atomically, so none
/// is left half-written.
/// </summary>
public sealed class WatchdogProcessGroup(IProcessGroup inner, TimeSpan timeout) : IProcessGroup
{
    /// <summary>The exit code of a rank whose collective timed out.</summary>
    public const int ExitCode = 124;

    /// <inheritdoc />
    public int Rank => inner.Rank;

    /// <inheritdoc />
    public int WorldSize => inner.WorldSize;

    /// <summary>How long a collective may take.</summary>
    public TimeSpan Timeout => timeout;

    /// <inheritdoc />
    public void AllReduceSum(Tensor tensor) => Guard("all-reduce", () => inner.AllReduceSum(tensor));

    /// <inheritdoc />
    public void Broadcast(Tensor tensor, int root = 0) => Guard("broadcast", () => inner.Broadcast(tensor, root));

    /// <inheritdoc />
    public void Barrier() => Guard("barrier", inner.Barrier);

    /// <inheritdoc />
    public void Dispose() => inner.Dispose();

    private void Guard(string what, Action call)
    {
        using var timer = new Timer(_ =>
        {
            Console.Error.WriteLine($"error: rank {Rank} of {WorldSize}: {what} did not complete within " +
                $"{timeout.TotalSeconds:G4} s " +
                                    "(a peer rank died, hung or ran different collectives); exiting. Raise " +
                                        "dist.timeout if steps are that slow.");
            Console.Error.Flush();
            Environment.Exit(ExitCode);
        }, null, timeout, System.Threading.Timeout.InfiniteTimeSpan);
        call();
    }
}
