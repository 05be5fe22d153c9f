using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ShuffleNet.Training;

/// <summary>
/// One set of parameters sharing a weight decay (PyTorch's param group), with their state-dict names.
/// </summary>
/// <param name="Names">State-dict names, e.g. <c>backbone.conv1.conv.weight</c>.</param>
/// <param name="Parameters">The parameters, in the same order.</param>
/// <param name="WeightDecay">L2 decay added to the gradient.</param>
public sealed record ParamGroup(IReadOnlyList<string> Names, IReadOnlyList<Parameter> Parameters, double WeightDecay);

/// <summary>
/// mmengine's <c>DefaultOptimWrapperConstructor</c> for this model: conv and linear weights and biases decay by
/// <c>weight_decay</c>; BatchNorm weights and biases by <c>weight_decay * norm_decay_mult</c> (mmpretrain's ShuffleNet
/// V2 recipe: 0). Frozen parameters (<c>requires_grad</c> false) are left out, as they get no gradient.
/// </summary>
public static class ParamGroups
{
    /// <summary>Two groups, decayed first then normalisation; an empty group is kept so indices are stable.</summary>
    public static IReadOnlyList<ParamGroup> Split(nn.Module model, double weightDecay, double normDecayMult)
    {
        var norm = new HashSet<string>();
        foreach (var (name, m) in model.named_modules())
            if (m is BatchNorm2d or BatchNorm1d or GroupNorm or LayerNorm)
                foreach (var (p, _) in m.named_parameters(recurse: false)) norm.Add(name == "" ? p : $"{name}.{p}");
        var decayed = (Names: new List<string>(), Params: new List<Parameter>());
        var normal = (Names: new List<string>(), Params: new List<Parameter>());
        foreach (var (name, p) in model.named_parameters())
        {
            if (!p.requires_grad) continue;
            var g = norm.Contains(name) ? normal : decayed;
            g.Names.Add(name);
            g.Params.Add(p);
        }
        return [new(decayed.Names, decayed.Params, weightDecay), new(normal.Names, normal.Params,
            weightDecay * normDecayMult)];
    }
}
