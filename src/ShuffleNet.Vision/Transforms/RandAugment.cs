using ShuffleNet.Vision.Decoding;

namespace ShuffleNet.Vision.Transforms;

/// <summary>
/// mmpretrain's <c>RandAugment</c> (Cubuk et al., 2020) on 8-bit images: per image, <see cref="NumPolicies"/> ops
/// drawn uniformly with replacement from <see cref="Policies"/> (all indices first, as <c>np.random.choice</c>), each
/// then run with its own probability, magnitude and sign (<see cref="AugmentOp.Apply"/>). The draws come from the
/// <see cref="Random"/> passed in, so a seed fixes the images; they are not numpy's stream. Pixels follow Pillow 9.4.
/// </summary>
public sealed class RandAugment : IImageTransform
{
    /// <summary>Creates the transform; <paramref name="settings"/> gives magnitude level, noise and fill.</summary>
    public RandAugment(IReadOnlyList<AugmentOp> policies, int numPolicies, AugmentSettings settings)
    {
        if (policies.Count == 0) throw new ArgumentException("no policies", nameof(policies));
        ArgumentOutOfRangeException.ThrowIfLessThan(numPolicies, 1);
        if (!(settings.TotalLevel > 0))
            throw new ArgumentOutOfRangeException(nameof(settings), "total_level must be > 0");
        if (!(settings.MagnitudeLevel >= 0))
            throw new ArgumentOutOfRangeException(nameof(settings), "magnitude_level must be >= 0");
        (Policies, NumPolicies, Settings) = (policies, numPolicies, settings);
    }

    /// <summary>mmpretrain's <c>RANDAUG_POLICIES</c> names.</summary>
    public static IReadOnlyList<string> PolicyNames { get; } = ["timm_increasing"];

    /// <summary>
    /// mmpretrain's <c>'timm_increasing'</c> (timm's <c>_RAND_INCREASING_TRANSFORMS</c>): 15 ops, each with prob 0.5;
    /// every magnitude grows with the level (Posterize keeps fewer bits, Solarize a lower threshold).
    /// </summary>
    public static IReadOnlyList<AugmentOp> TimmIncreasing { get; } =
    [
        new(AugmentKind.AutoContrast), new(AugmentKind.Equalize), new(AugmentKind.Invert),
        new(AugmentKind.Rotate, Range: (0, 30)),
        new(AugmentKind.Posterize, Range: (4, 0)),
        new(AugmentKind.Solarize, Range: (256, 0)),
        new(AugmentKind.SolarizeAdd, Range: (0, 110)),
        new(AugmentKind.ColorTransform, Range: (0, 0.9)),
        new(AugmentKind.Contrast, Range: (0, 0.9)),
        new(AugmentKind.Brightness, Range: (0, 0.9)),
        new(AugmentKind.Sharpness, Range: (0, 0.9)),
        new(AugmentKind.Shear, Range: (0, 0.3)),
        new(AugmentKind.Shear, Range: (0, 0.3), Vertical: true),
        new(AugmentKind.Translate, Range: (0, 0.45)),
        new(AugmentKind.Translate, Range: (0, 0.45), Vertical: true),
    ];

    /// <summary>The policy list mmpretrain calls <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">Not one of <see cref="PolicyNames"/>.</exception>
    public static IReadOnlyList<AugmentOp> Named(string name) => name == "timm_increasing" ? TimmIncreasing
        : throw new ArgumentException(
            $"RandAugment policies '{name}' is not known; use {string.Join(", ", PolicyNames)}");

    /// <summary>The ops to draw from.</summary>
    public IReadOnlyList<AugmentOp> Policies { get; }

    /// <summary>Ops applied per image.</summary>
    public int NumPolicies { get; }

    /// <summary>Magnitude level, noise, total level, fill and interpolation.</summary>
    public AugmentSettings Settings { get; }

    /// <summary>
    /// mmpretrain's <c>BaseAugTransform.random_magnitude</c>: the level, moved by Gaussian noise of
    /// <paramref name="std"/> and clipped to [0, <paramref name="total"/>] when <paramref name="std"/> &gt; 0, or drawn
    /// uniformly from [0, level] when it is +infinity (mmpretrain's <c>'inf'</c>); then mapped linearly,
    /// <c>level / total * (to - from) + from</c>. No draw at all when <paramref name="std"/> &lt;= 0.
    /// </summary>
    public static double SampleMagnitude(double level, double std, double total, double from, double to, Random rng)
    {
        double m = level;
        if (double.IsPositiveInfinity(std)) m = rng.NextDouble() * level;
        else if (std > 0) m = Math.Clamp(level + std * Gaussian(rng), 0, total);
        return m / total * (to - from) + from;
    }

    // Box-Muller; 1 - u keeps the logarithm finite
    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    /// <summary>The policy indices for one image: <see cref="NumPolicies"/> uniform draws, repeats allowed.</summary>
    public int[] SampleIndices(Random rng)
    {
        var chosen = new int[NumPolicies];
        for (int i = 0; i < chosen.Length; i++) chosen[i] = rng.Next(Policies.Count);
        return chosen;
    }

    /// <inheritdoc/>
    public ImageU8 Apply(ImageU8 image, Random rng)
    {
        foreach (var i in SampleIndices(rng)) image = Policies[i].Apply(image, rng, Settings);
        return image;
    }

    /// <inheritdoc/>
    public SizePlan Plan(long width, long height) => new(width, height, 2 * width * height);

    /// <inheritdoc/>
    public override string ToString() =>
        $"RandAugment(num_policies={NumPolicies}, magnitude_level={Settings.MagnitudeLevel}, " +
        $"magnitude_std={Settings.MagnitudeStd}, total_level={Settings.TotalLevel}, {Policies.Count} policies)";
}
