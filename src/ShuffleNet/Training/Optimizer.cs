using TorchSharp;
using static TorchSharp.torch;

namespace ShuffleNet.Training;

/// <summary>
/// A PyTorch optimizer over <see cref="ParamGroup"/>s with its per-parameter state in PyTorch's layout
/// (<c>optimizer.state[i][name]</c>, <c>i</c> counting parameters through the groups in order), so a checkpoint holds
/// it as <c>torch.optim</c> would and a resume is exact. Written here rather than with TorchSharp's optimizers for that
/// layout and so every update is in place. <see cref="Step"/> runs under <c>no_grad</c>.
/// </summary>
public abstract class Optimizer : IDisposable
{
    private readonly Dictionary<string, Tensor>[] _state;

    /// <summary>An optimizer over <paramref name="groups"/>.</summary>
    protected Optimizer(IReadOnlyList<ParamGroup> groups)
    {
        Groups = groups;
        _state = [.. Enumerable.Range(0, groups.Sum(g => g.Parameters.Count))
            .Select(_ => new Dictionary<string, Tensor>())];
    }

    /// <summary>mmpretrain's <c>optimizer.type</c> of this optimizer (<c>SGD</c>, <c>AdamW</c>).</summary>
    public abstract string Type { get; }

    /// <summary>
    /// The names of a parameter's state entries (<c>momentum_buffer</c>; <c>step</c>, <c>exp_avg</c>...).
    /// </summary>
    public abstract IReadOnlyList<string> StateNames { get; }

    /// <summary>The parameter groups.</summary>
    public IReadOnlyList<ParamGroup> Groups { get; }

    /// <summary>The learning rate of the next <see cref="Step"/>.</summary>
    public double Lr { get; set; }

    /// <summary>The state of parameter <paramref name="index"/> (empty before its first step).</summary>
    public IReadOnlyDictionary<string, Tensor> State(int index) => _state[index];

    /// <summary>
    /// Replaces state <paramref name="name"/> of parameter <paramref name="index"/> with a copy of
    /// <paramref name="value"/>.
    /// </summary>
    public void SetState(int index, string name, Tensor value)
    {
        if (_state[index].Remove(name, out var old)) old.Dispose();
        // beside its parameter; a 0-d counter (AdamW's step) stays on the CPU, as torch.optim keeps it
        var device = value.dim() == 0 ? CPU : Groups.SelectMany(g => g.Parameters).ElementAt(index).device;
        // outlives the caller's scope
        _state[index][name] = value.detach().to(device).clone().DetachFromDisposeScope();
    }

    /// <summary>
    /// The hyper-parameters of <paramref name="group"/> as <c>torch.optim</c> lists them in <c>param_groups</c>.
    /// </summary>
    public abstract IEnumerable<(string Key, object? Value)> GroupOptions(ParamGroup group);

    /// <summary>Updates every parameter that has a gradient.</summary>
    public void Step()
    {
        using var _ = no_grad();
        int i = 0;
        foreach (var group in Groups)
            foreach (var p in group.Parameters)
            {
                var state = _state[i++];
                using var grad = p.grad;
                if (grad is null) continue;
                using var scope = NewDisposeScope();
                Update(p, grad, group.WeightDecay, state);
            }
    }

    /// <summary>
    /// One parameter's update, in place, inside a dispose scope: new state tensors must be detached from it
    /// (<see cref="Keep"/>).
    /// </summary>
    protected abstract void Update(Tensor p, Tensor grad, double weightDecay, Dictionary<string, Tensor> state);

    /// <summary>A state tensor that outlives the step's dispose scope.</summary>
    protected static Tensor Keep(Tensor t) => t.DetachFromDisposeScope();

    /// <summary>
    /// mmengine's <c>clip_grad</c>: <c>torch.nn.utils.clip_grad_norm_</c> over the gradients of every parameter of
    /// <see cref="Groups"/> (scaled by <c>max_norm / (total + 1e-6)</c> when the total p-norm exceeds
    /// <c>max_norm</c>); returns the total norm before clipping, or null when <paramref name="config"/> is off.
    /// </summary>
    public double? ClipGradNorm(ClipGradConfig config)
    {
        if (config.MaxNorm <= 0) return null;
        using var scope = NewDisposeScope();
        var parameters = Groups.SelectMany(g => g.Parameters).Where(p => p.grad is not null).ToList();
        if (parameters.Count == 0) return 0;
        return nn.utils.clip_grad_norm_(parameters, config.MaxNorm, config.NormType);
    }

    /// <summary>The optimizer <paramref name="config"/> names, over <paramref name="groups"/>.</summary>
    public static Optimizer Create(OptimizerConfig config, IReadOnlyList<ParamGroup> groups) => config.Type switch
    {
        "AdamW" => new AdamW(groups, config.Beta1, config.Beta2, config.Eps),
        "SGD" => new Sgd(groups, config.Momentum, config.Nesterov),
        _ => throw new ConfigException($"optimizer.type '{config.Type}' is not known; use SGD or AdamW"),
    };

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var s in _state)
        {
            foreach (var t in s.Values) t.Dispose();
            s.Clear();
        }
        GC.SuppressFinalize(this);
    }
}
