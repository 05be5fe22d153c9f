using ShuffleNet.Vision.Decoding;

namespace ShuffleNet.Vision.Transforms;

/// <summary>The operations of mmpretrain's <c>RandAugment</c> and <c>AutoAugment</c> (its transform names).</summary>
public enum AugmentKind
{
    /// <summary>Per-channel stretch to 0..255 (<see cref="PillowOps.AutoContrast"/>).</summary>
    AutoContrast,
    /// <summary>Histogram equalization (<see cref="PillowOps.Equalize"/>).</summary>
    Equalize,
    /// <summary>255 - x.</summary>
    Invert,
    /// <summary>Rotation by an angle in degrees, clockwise for positive angles (mmcv's convention).</summary>
    Rotate,
    /// <summary>Keep <c>ceil(magnitude)</c> high bits.</summary>
    Posterize,
    /// <summary>Invert values at or above the threshold <c>magnitude</c>.</summary>
    Solarize,
    /// <summary>Add <c>magnitude</c> to values below 128.</summary>
    SolarizeAdd,
    /// <summary>Saturation: <c>ImageEnhance.Color</c> with factor 1 + magnitude.</summary>
    ColorTransform,
    /// <summary><c>ImageEnhance.Contrast</c> with factor 1 + magnitude.</summary>
    Contrast,
    /// <summary><c>ImageEnhance.Brightness</c> with factor 1 + magnitude.</summary>
    Brightness,
    /// <summary><c>ImageEnhance.Sharpness</c> with factor 1 + magnitude.</summary>
    Sharpness,
    /// <summary>Shear by the factor <c>magnitude</c> about the top-left corner.</summary>
    Shear,
    /// <summary>Shift by <c>magnitude</c> times the width (horizontal) or height (vertical).</summary>
    Translate,
}

/// <summary>
/// One op of a policy, with mmpretrain's <c>BaseAugTransform</c> semantics: it runs with probability
/// <see cref="Prob"/> (one draw <c>u</c>, skipped when <c>u &gt; prob</c>); its magnitude is <see cref="Magnitude"/>
/// or, with a <see cref="Range"/>, drawn by <see cref="RandAugment.SampleMagnitude"/>; Rotate, Shear, Translate and
/// the four enhance ops then negate it with probability <see cref="RandomNegativeProb"/>. Pixels follow Pillow
/// (<see cref="PillowOps"/>, <see cref="PillowEnhance"/>, <see cref="PillowAffine"/>), with mmpretrain's directions:
/// a positive angle turns clockwise, a positive shear or translation moves content right (down).
/// </summary>
/// <param name="Kind">The operation.</param>
/// <param name="Prob">Chance that it runs.</param>
/// <param name="Magnitude">A fixed magnitude (AutoAugment's policies), or null with <paramref name="Range"/>.</param>
/// <param name="Range">mmpretrain's <c>magnitude_range</c> (val1, val2): level 0 maps to val1, total_level to
/// val2.</param>
/// <param name="Vertical">For Shear and Translate: vertical instead of horizontal.</param>
/// <param name="RandomNegativeProb">Chance of negating the magnitude (ops that negate; 0.5 in mmpretrain).</param>
public sealed record AugmentOp(AugmentKind Kind, double Prob = 0.5, double? Magnitude = null,
    (double From, double To)? Range = null, bool Vertical = false, double RandomNegativeProb = 0.5)
{
    /// <summary>Whether the kind negates its magnitude at random (mmpretrain passes 0 for the others).</summary>
    public bool Negates => Kind is AugmentKind.Rotate or AugmentKind.Shear or AugmentKind.Translate
        or AugmentKind.ColorTransform or AugmentKind.Contrast or AugmentKind.Brightness or AugmentKind.Sharpness;

    /// <summary>Whether the kind takes a magnitude at all.</summary>
    public bool HasMagnitude => Kind is not (AugmentKind.AutoContrast or AugmentKind.Equalize or AugmentKind.Invert);

    /// <summary>
    /// Draws as mmpretrain does (run or not, magnitude, sign) and applies the op; takes ownership of
    /// <paramref name="image"/> like <see cref="IImageTransform.Apply"/>.
    /// </summary>
    public ImageU8 Apply(ImageU8 image, Random rng, AugmentSettings settings)
    {
        if (rng.NextDouble() > Prob) return image;
        double m = 0;
        if (HasMagnitude)
        {
            m = Magnitude ?? (Range is { } r
                ? RandAugment.SampleMagnitude(settings.MagnitudeLevel, settings.MagnitudeStd, settings.TotalLevel,
                    r.From, r.To, rng)
                : throw new InvalidOperationException($"{Kind} needs a magnitude or a magnitude range"));
            if (Negates && rng.NextDouble() < RandomNegativeProb) m = -m;
        }
        return Run(image, m, settings);
    }

    /// <summary>Applies the op with the magnitude <paramref name="m"/> already drawn (no randomness).</summary>
    public ImageU8 Run(ImageU8 image, double m, AugmentSettings settings)
    {
        ReadOnlySpan<byte> fill = settings.PadVal.AsSpan(0, image.Channels == 1 ? 1 : settings.PadVal.Length);
        double[] affine;
        switch (Kind)
        {
            case AugmentKind.AutoContrast: PillowOps.AutoContrast(image); return image;
            case AugmentKind.Equalize: PillowOps.Equalize(image); return image;
            case AugmentKind.Invert: PillowOps.Invert(image); return image;
            case AugmentKind.Posterize:   // mmpretrain rounds the bits up, as timm does
                PillowOps.Posterize(image, Math.Clamp((int)Math.Ceiling(m), 0, 8));
                return image;
            case AugmentKind.Solarize: PillowOps.Solarize(image, m); return image;
            case AugmentKind.SolarizeAdd: PillowOps.SolarizeAdd(image, m); return image;
            case AugmentKind.ColorTransform: PillowEnhance.Color(image, 1 + m); return image;
            case AugmentKind.Contrast: PillowEnhance.Contrast(image, 1 + m); return image;
            case AugmentKind.Brightness: PillowEnhance.Brightness(image, 1 + m); return image;
            case AugmentKind.Sharpness: PillowEnhance.Sharpness(image, 1 + m); return image;
            case AugmentKind.Rotate:
                var rotated = PillowAffine.Rotate(image, -m, settings.Interpolation ?? Resample.Nearest, fill);
                image.Dispose();
                return rotated;
            // cv2.warpAffine maps source to output; Pillow wants the inverse: hence the minus signs
            case AugmentKind.Shear:
                affine = Vertical ? [1, 0, 0, -m, 1, 0] : [1, -m, 0, 0, 1, 0];
                break;
            case AugmentKind.Translate:
                affine = Vertical ? [1, 0, 0, 0, 1, -m * image.Height] : [1, 0, -m * image.Width, 0, 1, 0];
                break;
            default: throw new InvalidOperationException($"unknown op {Kind}");
        }
        var resample = settings.Interpolation ?? (Kind == AugmentKind.Shear ? Resample.Bicubic : Resample.Nearest);
        var warped = PillowAffine.Transform(image, affine, resample, fill);
        image.Dispose();
        return warped;
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Kind}{(Kind is AugmentKind.Shear or AugmentKind.Translate ? (Vertical ? "(v" : "(h") + ", " : "(")}" +
        $"p={Prob}{(Magnitude is { } m ? $", m={m:0.###}" : Range is { } r ? $", range=({r.From}, {r.To})" : "")})";
}

/// <summary>
/// What a policy's ops share: mmpretrain's <c>magnitude_level</c>, <c>magnitude_std</c> and <c>total_level</c>
/// (for ops with a range), and its <c>hparams</c> <c>pad_val</c> and <c>interpolation</c> (for Rotate, Shear and
/// Translate; null interpolation keeps each op's default: nearest for Rotate and Translate, bicubic for Shear).
/// </summary>
/// <param name="MagnitudeLevel">The level, 0..<paramref name="TotalLevel"/>.</param>
/// <param name="MagnitudeStd">Gaussian noise on the level; 0 or less: none; +infinity: uniform in [0, level].</param>
/// <param name="TotalLevel">The level that maps to the end of each range.</param>
/// <param name="PadVal">Fill for pixels moved in from outside: one value, or one per channel (RGB).</param>
/// <param name="Interpolation">Resampling of the geometric ops, or null for their defaults.</param>
public sealed record AugmentSettings(double MagnitudeLevel = 9, double MagnitudeStd = 0, double TotalLevel = 10,
    byte[]? PadVal = null, Resample? Interpolation = null)
{
    /// <summary>Fill value(s); mmpretrain's default 128.</summary>
    public byte[] PadVal { get; init; } = PadVal is { Length: 1 or 3 } p ? p : PadVal is null ? [128]
        : throw new ArgumentException("pad_val must have 1 or 3 values", nameof(PadVal));
}
