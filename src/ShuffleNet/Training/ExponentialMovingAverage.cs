using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ShuffleNet.Training;

/// <summary>
/// mmengine's <c>ExponentialMovingAverage(momentum, interval, update_buffers=False)</c> as mmpretrain's
/// <c>EMAHook</c> drives it after each training iteration: the first update copies the parameters; later ones, every
/// <c>interval</c>-th, do <c>avg.lerp_(p, momentum)</c>, i.e. <c>avg = (1 - momentum) * avg + momentum * p</c>;
/// before <c>begin_iter</c> the average is a copy. Buffers (BatchNorm statistics) are not averaged: they follow the
/// model, which is what <c>update_buffers=False</c> keeps in sync. <see cref="Swap"/> exchanges the averaged and the
/// raw parameters in place (mmengine's <c>_swap_ema_parameters</c>), to validate or save with the average.
/// </summary>
public sealed class ExponentialMovingAverage : IDisposable
{
    private readonly (string Name, Parameter Source, Tensor Average)[] _params;

    /// <summary>An average of <paramref name="model"/>'s parameters, starting at their current values.</summary>
    public ExponentialMovingAverage(nn.Module model, EmaConfig config)
    {
        Config = config;
        using var _ = no_grad();
        _params = [.. model.named_parameters().Select(np => (np.name, np.parameter,
            np.parameter.detach().clone().DetachFromDisposeScope()))];
    }

    /// <summary>Momentum, interval and first iteration.</summary>
    public EmaConfig Config { get; }

    /// <summary>Updates done so far (mmengine's <c>steps</c> buffer).</summary>
    public long Steps { get; set; }

    /// <summary>Averaged parameters by state-dict name.</summary>
    public IEnumerable<(string Name, Tensor Average)> Averages => _params.Select(p => (p.Name, p.Average));

    /// <summary>
    /// After training iteration <paramref name="iter"/> (0-based, global): averages or, before <c>begin_iter</c>,
    /// copies.
    /// </summary>
    public void Update(long iter)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        if (iter + 1 < Config.BeginIter)   // EMAHook._ema_started: runner.iter + 1 >= begin_iter
        {
            foreach (var (_, p, avg) in _params) avg.copy_(p);
            return;
        }
        if (Steps == 0)
            foreach (var (_, p, avg) in _params) avg.copy_(p);
        else if (Steps % Config.Interval == 0)
        {
            // a 0-d tensor weight: TorchSharp's lerp_ takes no Scalar; libtorch's lerp is the same formula for both
            var momentum = tensor((float)Config.Momentum, device: _params[0].Average.device);
            foreach (var (_, p, avg) in _params) avg.lerp_(p, momentum);
        }
        Steps++;
    }

    /// <summary>Exchanges the model's parameters and the averages in place; calling it twice restores both.</summary>
    public void Swap()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        foreach (var (_, p, avg) in _params)
        {
            var raw = p.detach().clone();
            p.copy_(avg);
            avg.copy_(raw);
        }
    }

    /// <summary>Sets the average of parameter <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such parameter.</exception>
    public void SetAverage(string name, Tensor value)
    {
        using var _ = no_grad();
        _params.Single(p => p.Name == name).Average.copy_(value);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var (_, _, avg) in _params) avg.Dispose();
    }
}
