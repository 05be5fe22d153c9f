using TorchSharp;
using static TorchSharp.torch;

namespace ShuffleNet.Training;

/// <summary>
/// PyTorch 1.13's <c>torch.optim.AdamW</c> (Loshchilov and Hutter, ICLR 2019; no amsgrad), per parameter:
/// <c>p *= 1 - lr * wd</c>; <c>m = b1 m + (1 - b1) g</c>; <c>v = b2 v + (1 - b2) g^2</c>;
/// <c>p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)</c>. State: <c>step</c> (a float32 scalar, as
/// 1.13 saves it), <c>exp_avg</c>, <c>exp_avg_sq</c>. Weight decay is decoupled: mmpretrain's recipes give it
/// 0.05, not SGD's 4e-5.
/// </summary>
public sealed class AdamW(IReadOnlyList<ParamGroup> groups, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
    : Optimizer(groups)
{
    /// <summary>Decay of the first moment.</summary>
    public double Beta1 { get; } = beta1;

    /// <summary>Decay of the second moment.</summary>
    public double Beta2 { get; } = beta2;

    /// <summary>Added to the denominator.</summary>
    public double Eps { get; } = eps;

    /// <inheritdoc />
    public override string Type => "AdamW";

    /// <inheritdoc />
    public override IReadOnlyList<string> StateNames { get; } = ["step", "exp_avg", "exp_avg_sq"];

    /// <inheritdoc />
    public override IEnumerable<(string Key, object? Value)> GroupOptions(ParamGroup group) =>
    [
        ("lr", Lr), ("betas", new object?[] { Beta1, Beta2 }), ("eps", Eps), ("weight_decay", group.WeightDecay),
        ("amsgrad", false), ("maximize", false),
    ];

    /// <inheritdoc />
    protected override void Update(Tensor p, Tensor grad, double weightDecay, Dictionary<string, Tensor> state)
    {
        if (!state.TryGetValue("step", out var step))
        {
            state["step"] = step = Keep(tensor(0f));
            state["exp_avg"] = Keep(zeros_like(p));
            state["exp_avg_sq"] = Keep(zeros_like(p));
        }
        using Scalar one = 1, decay = 1 - Lr * weightDecay, b1 = Beta1, b2 = Beta2, a1 = 1 - Beta1, a2 = 1 - Beta2;
        step.add_(one);
        var (m, v) = (state["exp_avg"], state["exp_avg_sq"]);
        p.mul_(decay);
        m.mul_(b1).add_(grad, alpha: a1);
        v.mul_(b2).addcmul_(grad, grad, value: a2);
        double t = step.item<float>();
        using Scalar minusStep = -Lr / (1 - Math.Pow(Beta1, t)), c2 = Math.Sqrt(1 - Math.Pow(Beta2, t)), eps = Eps;
        var denom = v.sqrt().div_(c2).add_(eps);
        p.addcdiv_(m, denom, value: minusStep);
    }
}
