using ShuffleNet.Vision.Decoding;

namespace ShuffleNet.Vision.Transforms;

/// <summary>
/// mmpretrain's <c>AutoAugment</c> (Cubuk et al., CVPR 2019) on 8-bit images: per image one sub-policy drawn
/// uniformly (mmcv's <c>RandomChoice</c>), whose ops then run in order, each with its own probability and fixed
/// magnitude (the signed ones negated with probability 0.5). Draws come from the <see cref="Random"/> passed in;
/// pixels follow Pillow 9.4 (<see cref="AugmentOp"/>).
/// </summary>
public sealed class AutoAugment : IImageTransform
{
    /// <summary>Creates the transform; <paramref name="settings"/> gives fill and interpolation.</summary>
    public AutoAugment(IReadOnlyList<IReadOnlyList<AugmentOp>> policies, AugmentSettings settings)
    {
        if (policies.Count == 0) throw new ArgumentException("no policies", nameof(policies));
        (Policies, Settings) = (policies, settings);
    }

    /// <summary>mmpretrain's <c>AUTOAUG_POLICIES</c> names.</summary>
    public static IReadOnlyList<string> PolicyNames { get; } = ["imagenet"];

    /// <summary>The policy list mmpretrain calls <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">Not one of <see cref="PolicyNames"/>.</exception>
    public static IReadOnlyList<IReadOnlyList<AugmentOp>> Named(string name) => name == "imagenet" ? ImageNet
        : throw new ArgumentException(
            $"AutoAugment policies '{name}' is not known; use {string.Join(", ", PolicyNames)}");

    private static AugmentOp Posterize(int bits, double p) => new(AugmentKind.Posterize, p, bits);
    private static AugmentOp Rotate(double angle, double p) => new(AugmentKind.Rotate, p, angle);
    private static AugmentOp Solarize(double thr, double p) => new(AugmentKind.Solarize, p, thr);
    private static AugmentOp Equalize(double p) => new(AugmentKind.Equalize, p);
    private static AugmentOp AutoContrast(double p) => new(AugmentKind.AutoContrast, p);
    private static AugmentOp Invert(double p) => new(AugmentKind.Invert, p);
    private static AugmentOp Color(double m, double p) => new(AugmentKind.ColorTransform, p, m);
    private static AugmentOp Contrast(double m, double p) => new(AugmentKind.Contrast, p, m);
    private static AugmentOp Sharpness(double m, double p) => new(AugmentKind.Sharpness, p, m);
    private static AugmentOp ShearX(double m, double p) => new(AugmentKind.Shear, p, m);

    /// <summary>mmpretrain's <c>AUTOAUG_POLICIES['imagenet']</c>: 25 sub-policies of two ops, in its order.</summary>
    public static IReadOnlyList<IReadOnlyList<AugmentOp>> ImageNet { get; } =
    [
        [Posterize(4, 0.4), Rotate(30, 0.6)],
        [Solarize(256.0 / 9 * 4, 0.6), AutoContrast(0.6)],
        [Equalize(0.8), Equalize(0.6)],
        [Posterize(5, 0.6), Posterize(5, 0.6)],
        [Equalize(0.4), Solarize(256.0 / 9 * 5, 0.2)],
        [Equalize(0.4), Rotate(30.0 / 9 * 8, 0.8)],
        [Solarize(256.0 / 9 * 6, 0.6), Equalize(0.6)],
        [Posterize(6, 0.8), Equalize(1)],
        [Rotate(10, 0.2), Solarize(256.0 / 9, 0.6)],
        [Equalize(0.6), Posterize(5, 0.4)],
        [Rotate(30.0 / 9 * 8, 0.8), Color(0, 0.4)],
        [Rotate(30, 0.4), Equalize(0.6)],
        [Equalize(0.0), Equalize(0.8)],
        [Invert(0.6), Equalize(1)],
        [Color(0.4, 0.6), Contrast(0.8, 1)],
        [Rotate(30.0 / 9 * 8, 0.8), Color(0.2, 1)],
        [Color(0.8, 0.8), Solarize(256.0 / 9 * 2, 0.8)],
        [Sharpness(0.7, 0.4), Invert(0.6)],
        [ShearX(0.3 / 9 * 5, 0.6), Equalize(1)],
        [Color(0, 0.4), Equalize(0.6)],
        [Equalize(0.4), Solarize(256.0 / 9 * 5, 0.2)],
        [Solarize(256.0 / 9 * 4, 0.6), AutoContrast(0.6)],
        [Invert(0.6), Equalize(1)],
        [Color(0.4, 0.6), Contrast(0.8, 1)],
        [Equalize(0.8), Equalize(0.6)],
    ];

    /// <summary>The sub-policies to draw from.</summary>
    public IReadOnlyList<IReadOnlyList<AugmentOp>> Policies { get; }

    /// <summary>Fill and interpolation of the geometric ops.</summary>
    public AugmentSettings Settings { get; }

    /// <inheritdoc/>
    public ImageU8 Apply(ImageU8 image, Random rng)
    {
        foreach (var op in Policies[rng.Next(Policies.Count)]) image = op.Apply(image, rng, Settings);
        return image;
    }

    /// <inheritdoc/>
    public SizePlan Plan(long width, long height) => new(width, height, 2 * width * height);

    /// <inheritdoc/>
    public override string ToString() => $"AutoAugment({Policies.Count} sub-policies, pad_val=" +
        $"{string.Join('/', Settings.PadVal)})";
}
