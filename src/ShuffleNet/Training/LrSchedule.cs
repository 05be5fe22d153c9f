namespace ShuffleNet.Training;

/// <summary>
/// The learning rate at each iteration, in closed form, as mmengine's iteration-based schedulers chain it: warm-up
/// (<c>ConstantLR(factor, end=WarmupIters)</c> or <c>LinearLR(start_factor, end=WarmupIters)</c>), then
/// <c>PolyLR(power, eta_min, begin=WarmupIters)</c> or <c>CosineAnnealingLR(eta_min, begin=WarmupIters)</c> up to
/// <see cref="MaxIters"/> (mmengine's default <c>end</c>). The policy reaches <c>eta_min</c> at <see cref="MaxIters"/>,
/// one past the last step, as mmengine's does: the last step (<c>MaxIters - 1</c>) uses <c>BaseLr / (MaxIters -
/// WarmupIters)</c> for linear decay.
/// </summary>
public sealed class LrSchedule
{
    private readonly ScheduleConfig _config;

    /// <summary>
    /// A schedule of <paramref name="maxIters"/> iterations peaking at <paramref name="baseLr"/> (already
    /// batch-scaled).
    /// </summary>
    public LrSchedule(ScheduleConfig config, double baseLr, long maxIters)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxIters, 1);
        _config = config;
        BaseLr = baseLr;
        MaxIters = maxIters;
    }

    /// <summary>Peak learning rate.</summary>
    public double BaseLr { get; }

    /// <summary>Total iterations of the run (epochs x iterations per epoch).</summary>
    public long MaxIters { get; }

    /// <summary>
    /// The schedule of <paramref name="config"/> for <paramref name="itersPerEpoch"/> iterations per epoch and
    /// <paramref name="world"/> ranks (the lr scaled by the total batch).
    /// </summary>
    public static LrSchedule For(TrainConfig config, int itersPerEpoch, int world = 1) =>
        new(config.Schedule, ScaledLr(config.Optimizer, config.Data.BatchSize * world),
            (long)itersPerEpoch * config.Schedule.Epochs);

    /// <summary>
    /// mmengine's <c>auto_scale_lr</c>: <c>lr * batchSize / baseBatchSize</c>, or <c>lr</c> when <c>base_batch_size</c>
    /// is 0.
    /// </summary>
    public static double ScaledLr(OptimizerConfig optimizer, int batchSize) =>
        optimizer.BaseBatchSize == 0 ? optimizer.Lr : optimizer.Lr * batchSize / optimizer.BaseBatchSize;

    /// <summary>Iterations of warm-up (0 without; at most <see cref="MaxIters"/> - 1).</summary>
    public long WarmupIters => Math.Min(_config.Warmup == "none" ? 0 : _config.WarmupIters, MaxIters - 1);

    /// <summary>The learning rate of iteration <paramref name="iter"/> (0-based, global).</summary>
    public double At(long iter)
    {
        var c = _config;
        long warm = WarmupIters;
        if (iter < warm)
            return c.Warmup == "constant"
                ? BaseLr * c.WarmupFactor
                : BaseLr * (c.WarmupFactor + (1 - c.WarmupFactor) * iter / warm);
        double t = iter - warm, span = MaxIters - warm;
        double progress = Math.Min(t / span, 1);
        return c.Policy == "cosine"
            ? c.EtaMin + (BaseLr - c.EtaMin) * (1 + Math.Cos(Math.PI * progress)) / 2
            : (BaseLr - c.EtaMin) * Math.Pow(1 - progress, c.Power) + c.EtaMin;
    }
}
