using System.Globalization;
using ShuffleNet.Checkpoints;
using ShuffleNet.Data;
using ShuffleNet.Vision.Datasets;
using ShuffleNet.Vision.Transforms;

namespace ShuffleNet.Training;

/// <summary>
/// Range checks on a bound <see cref="TrainConfig"/>, run before any work starts; each message names where the value
/// came from (the config file or the <c>--set</c>), the dotted key and the value. Every floating-point value must be
/// finite; sizes have upper bounds, so no value can ask for an allocation that cannot succeed.
/// </summary>
public static class ConfigChecks
{
    /// <summary>Most images in one batch (per rank).</summary>
    public const int MaxBatchSize = 65_536;

    /// <summary>
    /// Throws on the first value out of range. <paramref name="source"/> names the config in messages, except for the
    /// dotted keys in <paramref name="overridden"/>, which are named as the <c>--set</c> that gave them (its text, as
    /// typed: <c>--set optimizer.lr=1e999</c>).
    /// </summary>
    /// <exception cref="ConfigException">A value is out of range, not finite, or not one of the allowed
    /// words.</exception>
    public static void Validate(TrainConfig c, string source = "(code)",
        IReadOnlyDictionary<string, string>? overridden = null)
    {
        var check = new Checker(source, overridden ?? new Dictionary<string, string>());
        var m = c.Model;
        if (ShuffleNetV2Layout.TryParse(m.Width) is null)
            check.Fail("model.width", m.Width, "0.5x, 1.0x, 1.5x or 2.0x");
        check.Int("model.num_classes", m.NumClasses, 1, 100_000);
        check.Ok("model.stem.in_channels", m.Stem.InChannels, m.Stem.InChannels is 1 or 3, "1 or 3");
        check.Ok("model.stem.stride", m.Stem.Stride, m.Stem.Stride is 1 or 2, "1 or 2");
        check.Int("model.frozen_stages", m.FrozenStages, -1, 3);
        check.Real("model.label_smoothing", m.LabelSmoothing, m.LabelSmoothing is >= 0 and < 1, "in [0, 1)");
        var d = c.Data;
        check.OneOf("data.dataset", d.Dataset, "fashion_mnist", "image_folder");
        check.Int("data.batch_size", d.BatchSize, 1, MaxBatchSize);
        check.Int("data.workers", d.Workers, 1, 256);
        check.Int("data.crop_size", d.CropSize, 8, 4096);
        check.Int("data.resize_edge", d.ResizeEdge, d.CropSize, 8192, $"data.crop_size ({d.CropSize})");
        check.Int("data.pad", d.Pad, 0, 1024);
        check.Real("data.random_erasing", d.RandomErasing, d.RandomErasing is >= 0 and <= 1, "a probability in [0, 1]");
        var ra = d.RandAugment;
        check.OneOf("data.rand_augment.policies", ra.Policies, ["", .. RandAugment.PolicyNames]);
        check.Int("data.rand_augment.num_policies", ra.NumPolicies, 1, 100);
        check.Real("data.rand_augment.total_level", ra.TotalLevel, ra.TotalLevel > 0, "a positive number");
        check.Real("data.rand_augment.magnitude_level", ra.MagnitudeLevel, ra.MagnitudeLevel >= 0, "0 or more");
        check.Real("data.rand_augment.magnitude_std", ra.MagnitudeStd, ra.MagnitudeStd >= 0, "0 (no noise) or more");
        check.Int("data.rand_augment.pad_val", ra.PadVal, 0, 255);
        check.OneOf("data.rand_augment.interpolation", ra.Interpolation, AugmentConfigs.Interpolations);
        var aa = d.AutoAugment;
        check.OneOf("data.auto_augment.policies", aa.Policies, ["", .. AutoAugment.PolicyNames]);
        check.Int("data.auto_augment.pad_val", aa.PadVal, 0, 255);
        check.OneOf("data.auto_augment.interpolation", aa.Interpolation, AugmentConfigs.Interpolations);
        if (aa.Policies.Length > 0 && ra.Policies.Length > 0)
            check.Fail("data.auto_augment.policies", aa.Policies,
                "empty while data.rand_augment.policies is set: use one of RandAugment and AutoAugment");
        if (d.Classes.Length > 0)
        {
            check.OneOf("data.dataset", d.Dataset, "fashion_mnist");   // data.classes splits Fashion-MNIST only
            try { ClassSubset.Parse(d.Classes, IdxDataset.FashionMnistClasses); }
            catch (ArgumentException bad)
            {
                check.Fail("data.classes", d.Classes, $"Fashion-MNIST classes by name or index ({bad.Message})");
            }
        }
        long batchFloats = (long)d.BatchSize * m.Stem.InChannels * d.CropSize * d.CropSize;
        check.Ok("data.batch_size", d.BatchSize, batchFloats <= Array.MaxLength,
            $"small enough that a batch of {m.Stem.InChannels}x{d.CropSize}x{d.CropSize} images fits in one array " +
            $"({batchFloats:N0} floats; at most {Array.MaxLength:N0})");
        var o = c.Optimizer;
        check.Real("optimizer.lr", o.Lr, o.Lr > 0, "a positive number");
        check.Real("optimizer.momentum", o.Momentum, o.Momentum is >= 0 and < 1, "in [0, 1)");
        check.Real("optimizer.weight_decay", o.WeightDecay, o.WeightDecay >= 0, "0 or more");
        check.Real("optimizer.norm_decay_mult", o.NormDecayMult, o.NormDecayMult >= 0, "0 or more");
        check.Int("optimizer.base_batch_size", o.BaseBatchSize, 0, int.MaxValue, what: "0 (no scaling) or more");
        check.OneOf("optimizer.type", o.Type, "SGD", "AdamW");
        check.Real("optimizer.beta1", o.Beta1, o.Beta1 is >= 0 and < 1, "in [0, 1)");
        check.Real("optimizer.beta2", o.Beta2, o.Beta2 is >= 0 and < 1, "in [0, 1)");
        check.Real("optimizer.eps", o.Eps, o.Eps > 0, "a positive number");
        check.Ok("optimizer.nesterov", o.Momentum, !o.Nesterov || o.Momentum > 0 || o.Type != "SGD",
            "positive with optimizer.nesterov=true (PyTorch: Nesterov momentum requires a momentum)");
        check.Real("optimizer.clip_grad.max_norm", o.ClipGrad.MaxNorm, o.ClipGrad.MaxNorm >= 0, "0 (off) or more");
        check.Real("optimizer.clip_grad.norm_type", o.ClipGrad.NormType, o.ClipGrad.NormType > 0, "a positive number");
        var e = c.Ema;
        check.Real("ema.momentum", e.Momentum, e.Momentum is >= 0 and < 1, "in [0, 1) (0: off)");
        check.Int("ema.interval", e.Interval, 1, int.MaxValue, what: "at least 1");
        check.Int("ema.begin_iter", e.BeginIter, 0, int.MaxValue, what: "0 or more");
        var stop = c.EarlyStopping;
        check.OneOf("early_stopping.monitor", stop.Monitor, "accuracy/top1", "accuracy/top5", "loss");
        check.Int("early_stopping.patience", stop.Patience, 0, int.MaxValue, what: "0 (off) or more");
        check.Real("early_stopping.min_delta", stop.MinDelta, stop.MinDelta >= 0, "0 or more");
        var ba = m.BatchAugments;
        check.Real("model.batch_augments.mixup", ba.Mixup, ba.Mixup >= 0, "0 (off) or a positive alpha");
        check.Real("model.batch_augments.cutmix", ba.Cutmix, ba.Cutmix >= 0, "0 (off) or a positive alpha");
        var s = c.Schedule;
        check.Int("schedule.epochs", s.Epochs, 1, 1_000_000);
        check.OneOf("schedule.policy", s.Policy, "poly", "cosine");
        check.Real("schedule.power", s.Power, s.Power > 0, "a positive number");
        check.Real("schedule.eta_min", s.EtaMin, s.EtaMin >= 0, "0 or more");
        check.OneOf("schedule.warmup", s.Warmup, "constant", "linear", "none");
        check.Int("schedule.warmup_iters", s.WarmupIters, 0, int.MaxValue, what: "0 or more");
        check.Real("schedule.warmup_factor", s.WarmupFactor, s.WarmupFactor is > 0 and <= 1, "in (0, 1]");
        var r = c.Run;
        check.Int("run.threads", r.Threads, 1, 1024);
        check.Int("run.log_interval", r.LogInterval, 1, int.MaxValue, what: "at least 1");
        check.Int("run.val_interval", r.ValInterval, 1, int.MaxValue, what: "at least 1");
        check.Int("run.checkpoint_interval", r.CheckpointInterval, 1, int.MaxValue, what: "at least 1");
        check.Int("run.keep_checkpoints", r.KeepCheckpoints, -1, int.MaxValue, what: "-1 (all) or more");
        if (!IsDeviceName(r.Device)) check.Fail("run.device", r.Device, "cpu, cuda or cuda:N");
        check.OneOf("dist.backend", c.Dist.Backend, "auto", "mpi", "nccl");
        check.Int("dist.timeout", c.Dist.Timeout, 1, int.MaxValue, what: "at least 1 (seconds)");
    }

    // the name alone: whether the device exists is the trainer's question (a dry run on a CPU machine may check a GPU
    // recipe)
    private static bool IsDeviceName(string device) =>
        device is "cpu" or "cuda"
        || (device.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(device[5..], NumberStyles.None,
            CultureInfo.InvariantCulture, out _));

    private sealed class Checker(string source, IReadOnlyDictionary<string, string> overridden)
    {
        public void Int(string key, int value, int min, int max, string? minText = null, string? what = null)
        {
            var inv = CultureInfo.InvariantCulture;
            what ??= $"in {minText ?? min.ToString("N0", inv)}..{max.ToString("N0", inv)}";
            Ok(key, value, value >= min && value <= max, what);
        }

        public void Real(string key, double value, bool ok, string what) =>
            Ok(key, value, double.IsFinite(value) && ok, double.IsFinite(value) ? what : $"a finite number ({what})");

        public void Ok(string key, IFormattable value, bool ok, string what)
        {
            if (!ok) Fail(key, value.ToString(null, CultureInfo.InvariantCulture), what);
        }

        public void OneOf(string key, string value, params string[] allowed)
        {
            if (!allowed.Contains(value)) Fail(key, value, string.Join(" or ", allowed));
        }

        public void Fail(string key, string value, string what) =>
            throw new ConfigException(overridden.TryGetValue(key, out var assignment)
                ? $"--set {assignment}: '{key}' is {value}; it must be {what}"
                : $"config '{source}': '{key}' is {value}; it must be {what}");
    }
}
