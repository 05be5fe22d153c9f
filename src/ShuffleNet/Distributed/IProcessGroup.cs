using static TorchSharp.torch;

namespace ShuffleNet.Distributed;

/// <summary>
/// The collectives data-parallel training needs, as <c>torch.distributed</c> names them. Every rank must call the same
/// collectives in the same order with tensors of the same shape and dtype; a rank that does not makes the others wait
/// (see <see cref="WatchdogProcessGroup"/>).
/// </summary>
public interface IProcessGroup : IDisposable
{
    /// <summary>This process's rank, 0 to <see cref="WorldSize"/> - 1.</summary>
    int Rank { get; }

    /// <summary>Number of processes.</summary>
    int WorldSize { get; }

    /// <summary>
    /// Replaces <paramref name="tensor"/> (contiguous, float32 or float64) by its sum over all ranks, in place.
    /// </summary>
    void AllReduceSum(Tensor tensor);

    /// <summary>
    /// Overwrites <paramref name="tensor"/> (contiguous) on every rank with rank <paramref name="root"/>'s.
    /// </summary>
    void Broadcast(Tensor tensor, int root = 0);

    /// <summary>Returns once every rank has called it.</summary>
    void Barrier();
}

/// <summary>A world of one: every collective is the identity.</summary>
public sealed class SingleProcessGroup : IProcessGroup
{
    /// <summary>The shared instance (it holds nothing).</summary>
    public static readonly SingleProcessGroup Instance = new();

    /// <inheritdoc />
    public int Rank => 0;

    /// <inheritdoc />
    public int WorldSize => 1;

    /// <inheritdoc />
    public void AllReduceSum(Tensor tensor) { }

    /// <inheritdoc />
    public void Broadcast(Tensor tensor, int root = 0) { }

    /// <inheritdoc />
    public void Barrier() { }

    /// <inheritdoc />
    public void Dispose() { }
}
