using TorchSharp;
using static TorchSharp.torch;

namespace ShuffleNet.Training;

/// <summary>
/// PyTorch's <c>torch.optim.SGD</c> without dampening or Nesterov, per parameter:
/// <c>g = grad + wd * p; buf = g</c> on the first step, else <c>buf = momentum * buf + g; p -= lr * buf</c>.
/// Written here rather than using TorchSharp's <c>optim.SGD</c> so the momentum buffers can be saved to and restored from
/// a checkpoint in PyTorch's <c>optimizer.state[i]['momentum_buffer']</c> layout (exact resume), and so every update is in place.
/// </summary>
public sealed class Sgd : IDisposable
{
    private readonly Tensor?[] _buffers;

    /// <summary>An optimizer over <paramref name="groups"/>; parameter indices run through the groups in order, as in PyTorch.</summary>
    public Sgd(IReadOnlyList<ParamGroup> groups, double momentum)
    {
        Groups = groups;
        Momentum = momentum;
        _buffers = new Tensor?[groups.Sum(g => g.Parameters.Count)];
    }

    /// <summary>The parameter groups.</summary>
    public IReadOnlyList<ParamGroup> Groups { get; }

    /// <summary>Momentum factor.</summary>
    public double Momentum { get; }

    /// <summary>The learning rate of the next <see cref="Step"/>.</summary>
    public double Lr { get; set; }

    /// <summary>Momentum buffers by global parameter index; null until the parameter's first step.</summary>
    public IReadOnlyList<Tensor?> Buffers => _buffers;

    /// <summary>Updates every parameter that has a gradient.</summary>
    public void Step()
    {
        using var _ = no_grad();
        // explicit Scalars, disposed after the loop: implicitly converted ones may be finalized while libtorch reads them
        using Scalar momentum = Momentum, minusLr = -Lr;
        var decays = Groups.Select(g => (Scalar)g.WeightDecay).ToArray();
        int i = 0, groupIndex = 0;
        foreach (var group in Groups)
        {
            var decay = decays[groupIndex++];
            foreach (var p in group.Parameters)
            {
                int index = i++;
                using var grad = p.grad;
                if (grad is null) continue;
                using var g = group.WeightDecay != 0 ? grad.add(p, alpha: decay) : grad.alias();
                var buf = _buffers[index];
                if (Momentum == 0) { p.add_(g, alpha: minusLr); continue; }
                if (buf is null) _buffers[index] = buf = g.detach().clone().DetachFromDisposeScope(); // outlives the step's scope
                else buf.mul_(momentum).add_(g);
                p.add_(buf, alpha: minusLr);
            }
        }
        foreach (var d in decays) d.Dispose();
    }

    /// <summary>Replaces the momentum buffer of parameter <paramref name="index"/> with a copy of <paramref name="value"/>.</summary>
    public void SetBuffer(int index, Tensor value)
    {
        _buffers[index]?.Dispose();
        _buffers[index] = value.detach().clone().DetachFromDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        for (int i = 0; i < _buffers.Length; i++) { _buffers[i]?.Dispose(); _buffers[i] = null; }
    }
}
