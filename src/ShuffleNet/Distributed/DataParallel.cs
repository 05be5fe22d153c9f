using TorchSharp;
using static TorchSharp.torch;

namespace ShuffleNet.Distributed;

/// <summary>
/// What <c>DistributedDataParallel</c> does for a model whose ranks start from one state: parameters (and buffers,
/// once) broadcast from rank 0, then gradients averaged every step with one all-reduce of a flat buffer. BatchNorm
/// statistics are not synchronised afterwards (mmengine's <c>broadcast_buffers=False</c>): each rank keeps its own,
/// rank 0's are saved.
/// </summary>
public static class DataParallel
{
    /// <summary>Copies rank 0's parameters and buffers to every rank (in place, no autograd).</summary>
    public static void BroadcastState(nn.Module model, IProcessGroup group)
    {
        if (group.WorldSize == 1) return;
        using var _ = no_grad();
        foreach (var (_, p) in model.named_parameters()) group.Broadcast(p);
        foreach (var (_, b) in model.named_buffers()) group.Broadcast(b);
    }

    /// <summary>
    /// Replaces each gradient by its mean over the ranks and returns the rank-mean of <paramref name="extras"/>, which
    /// ride in the same all-reduce (the loss, a stop flag): one collective per step. Parameters without a gradient are
    /// skipped, so every rank must have the same set with gradients (the same model and frozen stages).
    /// </summary>
    public static double[] AverageGradients(IReadOnlyList<Tensor> parameters, IProcessGroup group,
        params double[] extras)
    {
        if (group.WorldSize == 1) return extras;
        using var scope = NewDisposeScope();
        using var __ = no_grad();
        var grads = parameters.Select(p => p.grad).Where(g => g is not null).Select(g => g!).ToList();
        var dtype = grads.Count > 0 ? grads[0].dtype : ScalarType.Float64;
        // extras in float64 would widen a float32 flat buffer; they are small numbers (loss, flags), float32 keeps them
        var device = grads.Count > 0 ? grads[0].device : CPU;   // NCCL reduces CUDA tensors: the extras go along
        var parts = grads.Select(g => g.flatten()).Append(tensor(extras, dtype: dtype, device: device)).ToArray();
        var flat = cat(parts).contiguous();
        group.AllReduceSum(flat);
        flat.div_(group.WorldSize);
        long offset = 0;
        foreach (var g in grads)
        {
            long n = g.numel();
            g.copy_(flat.narrow(0, offset, n).view_as(g));
            offset += n;
        }
        var tail = flat.narrow(0, offset, extras.Length).to_type(ScalarType.Float64).cpu();
        return [.. tail.data<double>()];
    }
}
