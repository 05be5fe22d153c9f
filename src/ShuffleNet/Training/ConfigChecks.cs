using System.Globalization;
using ShuffleNet.Checkpoints;

namespace ShuffleNet.Training;

/// <summary>Range checks on a bound <see cref="TrainConfig"/>; each message names the dotted key and the value.</summary>
public static class ConfigChecks
{
    /// <summary>Throws on the first value out of range.</summary>
    /// <exception cref="ConfigException">A value is out of range or not one of the allowed words.</exception>
    public static void Validate(TrainConfig c)
    {
        var m = c.Model;
        if (ShuffleNetV2Layout.TryParse(m.Width) is null) Fail("model.width", m.Width, "0.5x, 1.0x, 1.5x or 2.0x");
        Check("model.num_classes", m.NumClasses, m.NumClasses >= 1, "at least 1");
        Check("model.stem.in_channels", m.Stem.InChannels, m.Stem.InChannels is 1 or 3, "1 or 3");
        Check("model.stem.stride", m.Stem.Stride, m.Stem.Stride is 1 or 2, "1 or 2");
        Check("model.frozen_stages", m.FrozenStages, m.FrozenStages is >= -1 and <= 3, "in -1..3");
        Check("model.label_smoothing", m.LabelSmoothing, m.LabelSmoothing is >= 0 and < 1, "in [0, 1)");
        var d = c.Data;
        OneOf("data.dataset", d.Dataset, "fashion_mnist", "image_folder");
        Check("data.batch_size", d.BatchSize, d.BatchSize >= 1, "at least 1");
        Check("data.workers", d.Workers, d.Workers >= 1, "at least 1");
        Check("data.crop_size", d.CropSize, d.CropSize >= 8, "at least 8");
        Check("data.resize_edge", d.ResizeEdge, d.ResizeEdge >= d.CropSize, $"at least data.crop_size ({d.CropSize})");
        Check("data.pad", d.Pad, d.Pad >= 0, "0 or more");
        Check("data.random_erasing", d.RandomErasing, d.RandomErasing is >= 0 and <= 1, "a probability in [0, 1]");
        var o = c.Optimizer;
        Check("optimizer.lr", o.Lr, o.Lr > 0 && double.IsFinite(o.Lr), "a positive number");
        Check("optimizer.momentum", o.Momentum, o.Momentum is >= 0 and < 1, "in [0, 1)");
        Check("optimizer.weight_decay", o.WeightDecay, o.WeightDecay >= 0, "0 or more");
        Check("optimizer.norm_decay_mult", o.NormDecayMult, o.NormDecayMult >= 0, "0 or more");
        Check("optimizer.base_batch_size", o.BaseBatchSize, o.BaseBatchSize >= 0, "0 (no scaling) or more");
        var s = c.Schedule;
        Check("schedule.epochs", s.Epochs, s.Epochs >= 1, "at least 1");
        OneOf("schedule.policy", s.Policy, "poly", "cosine");
        Check("schedule.power", s.Power, s.Power > 0, "positive");
        Check("schedule.eta_min", s.EtaMin, s.EtaMin >= 0, "0 or more");
        OneOf("schedule.warmup", s.Warmup, "constant", "linear", "none");
        Check("schedule.warmup_iters", s.WarmupIters, s.WarmupIters >= 0, "0 or more");
        Check("schedule.warmup_factor", s.WarmupFactor, s.WarmupFactor is > 0 and <= 1, "in (0, 1]");
        var r = c.Run;
        Check("run.threads", r.Threads, r.Threads >= 1, "at least 1");
        Check("run.log_interval", r.LogInterval, r.LogInterval >= 1, "at least 1");
        Check("run.val_interval", r.ValInterval, r.ValInterval >= 1, "at least 1");
        Check("run.checkpoint_interval", r.CheckpointInterval, r.CheckpointInterval >= 1, "at least 1");
        Check("run.keep_checkpoints", r.KeepCheckpoints, r.KeepCheckpoints >= -1, "-1 (all) or more");
    }

    private static void Check(string key, IFormattable value, bool ok, string what)
    {
        if (!ok) Fail(key, value.ToString(null, CultureInfo.InvariantCulture), what);
    }

    private static void OneOf(string key, string value, params string[] allowed)
    {
        if (!allowed.Contains(value)) Fail(key, value, string.Join(" or ", allowed));
    }

    private static void Fail(string key, string value, string what) =>
        throw new ConfigException($"'{key}' is {value}; it must be {what}");
}
