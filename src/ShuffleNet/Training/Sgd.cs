using TorchSharp;
using static TorchSharp.torch;

namespace ShuffleNet.Training;

/// <summary>
/// PyTorch 1.13's <c>torch.optim.SGD</c> without dampening, per parameter: <c>g = grad + wd * p</c>;
/// <c>buf = g</c> on the first step, else <c>buf = momentum * buf + g</c>; then <c>p -= lr * buf</c>, or with
/// Nesterov <c>p -= lr * (g + momentum * buf)</c>. State: <c>momentum_buffer</c>.
/// </summary>
public sealed class Sgd(IReadOnlyList<ParamGroup> groups, double momentum, bool nesterov = false) : Optimizer(groups)
{
    /// <summary>Momentum factor.</summary>
    public double Momentum { get; } = momentum;

    /// <summary>Nesterov momentum (Sutskever et al., 2013, as PyTorch formulates it).</summary>
    public bool Nesterov { get; } = nesterov;

    /// <inheritdoc />
    public override string Type => "SGD";

    /// <inheritdoc />
    public override IReadOnlyList<string> StateNames { get; } = ["momentum_buffer"];

    /// <inheritdoc />
    public override IEnumerable<(string Key, object? Value)> GroupOptions(ParamGroup group) =>
    [
        ("lr", Lr), ("momentum", Momentum), ("dampening", 0.0), ("weight_decay", group.WeightDecay),
        ("nesterov", Nesterov), ("maximize", false),
    ];

    /// <inheritdoc />
    protected override void Update(Tensor p, Tensor grad, double weightDecay, Dictionary<string, Tensor> state)
    {
        using Scalar decay = weightDecay, momentum = Momentum, minusLr = -Lr;
        var g = weightDecay != 0 ? grad.add(p, alpha: decay) : grad;
        if (Momentum == 0)
        {
            p.add_(g, alpha: minusLr);
            return;
        }
        if (!state.TryGetValue("momentum_buffer", out var buf))
            state["momentum_buffer"] = buf = Keep(g.detach().clone());
        else
            buf.mul_(momentum).add_(g);
        p.add_(Nesterov ? g.add(buf, alpha: momentum) : buf, alpha: minusLr);
    }
}
