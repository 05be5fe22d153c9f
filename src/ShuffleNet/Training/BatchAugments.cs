using static TorchSharp.torch;

namespace ShuffleNet.Training;

/// <summary>The box CutMix pastes: rows <c>Y1..Y2-1</c>, columns <c>X1..X2-1</c> (possibly empty).</summary>
/// <param name="Y1">First row.</param>
/// <param name="Y2">One past the last row.</param>
/// <param name="X1">First column.</param>
/// <param name="X2">One past the last column.</param>
public readonly record struct CutBox(int Y1, int Y2, int X1, int X2);

/// <summary>
/// mmpretrain's batch augments on a batch <c>x [N, C, H, W]</c> with one-hot or soft targets <c>[N, K]</c>:
/// <c>Mixup(alpha)</c> (<c>x = lam x + (1 - lam) x[perm]</c>) and <c>CutMix(alpha)</c> (the box of <c>x[perm]</c>
/// pasted in, <c>lam</c> corrected to the kept area, <c>correct_lam=True</c>), the targets mixed with the same
/// <c>lam</c>; with both on, <c>RandomBatchAugment</c> picks one per batch with equal chance. The draws
/// (choice, <c>lam ~ Beta(alpha, alpha)</c>, the permutation, the box centre) come from a <see cref="Random"/> seeded
/// per iteration by the caller, so a resumed run mixes exactly as an uninterrupted one.
/// </summary>
public sealed class BatchAugments(BatchAugmentsConfig config)
{
    /// <summary>Whether any augment is on.</summary>
    public bool Enabled => config.Mixup > 0 || config.Cutmix > 0;

    /// <summary>
    /// Mixes <paramref name="x"/> and <paramref name="targets"/> (new tensors, in the caller's dispose scope).
    /// </summary>
    public (Tensor X, Tensor Targets) Apply(Tensor x, Tensor targets, Random rng)
    {
        bool cutmix = config.Cutmix > 0 && (config.Mixup <= 0 || rng.Next(2) == 1);
        double lam = SampleBeta(cutmix ? config.Cutmix : config.Mixup, rng);
        var order = Enumerable.Range(0, (int)x.shape[0]).ToArray();
        rng.Shuffle(order);
        using var perm = tensor(order.Select(i => (long)i).ToArray(), device: x.device);
        if (cutmix)
        {
            var box = RandBox((int)x.shape[2], (int)x.shape[3], lam, rng);
            lam = KeptShare(box, (int)x.shape[2], (int)x.shape[3]);
            return (CutMix(x, perm, box), Mix(targets, perm, lam));
        }
        return (Mix(x, perm, lam), Mix(targets, perm, lam));
    }

    /// <summary>CutMix's <c>correct_lam</c>: the share of the image outside <paramref name="box"/>.</summary>
    internal static double KeptShare(CutBox box, int height, int width) =>
        1 - (double)(box.Y2 - box.Y1) * (box.X2 - box.X1) / ((double)height * width);

    /// <summary><c>lam * t + (1 - lam) * t[perm]</c>.</summary>
    public static Tensor Mix(Tensor t, Tensor perm, double lam) => t.mul(lam).add_(t.index_select(0, perm),
        alpha: 1 - lam);

    /// <summary>
    /// <paramref name="x"/> with the <paramref name="box"/> of <c>x[perm]</c> pasted into every sample.
    /// </summary>
    public static Tensor CutMix(Tensor x, Tensor perm, CutBox box)
    {
        var mixed = x.clone();
        if (box.Y2 > box.Y1 && box.X2 > box.X1)
        {
            var rows = TensorIndex.Slice(box.Y1, box.Y2);
            var cols = TensorIndex.Slice(box.X1, box.X2);
            mixed[TensorIndex.Colon, TensorIndex.Colon, rows, cols] =
                x.index_select(0, perm)[TensorIndex.Colon, TensorIndex.Colon, rows, cols];
        }
        return mixed;
    }

    /// <summary>
    /// mmpretrain's <c>CutMix.rand_bbox</c> (margin 0): a box of <c>int(H sqrt(1 - lam))</c> by
    /// <c>int(W sqrt(1 - lam))</c> centred on a uniform pixel, clipped to the image.
    /// </summary>
    public static CutBox RandBox(int height, int width, double lam, Random rng)
    {
        int cy = rng.Next(height), cx = rng.Next(width);
        return RandBox(height, width, lam, cy, cx);
    }

    /// <summary>
    /// <see cref="RandBox(int, int, double, Random)"/> with the centre drawn: row <paramref name="cy"/>, column
    /// <paramref name="cx"/>.
    /// </summary>
    internal static CutBox RandBox(int height, int width, double lam, int cy, int cx)
    {
        double ratio = Math.Sqrt(1 - lam);
        int cutH = (int)(height * ratio), cutW = (int)(width * ratio);
        return new CutBox(Math.Clamp(cy - cutH / 2, 0, height), Math.Clamp(cy + cutH / 2, 0, height),
                          Math.Clamp(cx - cutW / 2, 0, width), Math.Clamp(cx + cutW / 2, 0, width));
    }

    /// <summary>
    /// Cross-entropy against probabilities, <c>mean_n -sum_k t_nk log softmax(z)_nk</c>, with the targets smoothed
    /// first as <c>(1 - eps) t + eps / K</c>: PyTorch's <c>cross_entropy(z, t, label_smoothing=eps)</c> for probability
    /// targets and mmpretrain's <c>LabelSmoothLoss(mode='original')</c> on mixed scores.
    /// </summary>
    public static Tensor SoftCrossEntropy(Tensor logits, Tensor targets, double labelSmoothing)
    {
        var t = labelSmoothing > 0 ? targets.mul(1 - labelSmoothing).add_(labelSmoothing / targets.shape[1]) : targets;
        // mul, not mul_: backward needs the log-softmax
        return nn.functional.log_softmax(logits, 1).mul(t).sum(1).mean().neg_();
    }

    /// <summary>A draw from Beta(alpha, alpha), as the ratio of two Gamma(alpha) draws.</summary>
    internal static double SampleBeta(double alpha, Random rng)
    {
        double a = SampleGamma(alpha, rng), b = SampleGamma(alpha, rng);
        return a + b > 0 ? a / (a + b) : 0.5;
    }

    // Marsaglia and Tsang (2000); for shape < 1, Gamma(shape + 1) * U^(1 / shape)
    private static double SampleGamma(double shape, Random rng)
    {
        if (shape < 1) return SampleGamma(shape + 1, rng) * Math.Pow(1 - rng.NextDouble(), 1 / shape);
        double d = shape - 1.0 / 3, c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double z, v;
            do
            {
                z = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
                v = 1 + c * z;
            } while (v <= 0);
            v = v * v * v;
            double u = 1 - rng.NextDouble();
            if (Math.Log(u) < 0.5 * z * z + d - d * v + d * Math.Log(v)) return d * v;
        }
    }
}
