using ShuffleNet.Vision.Transforms;

namespace ShuffleNet.Training;

/// <summary>
/// mmpretrain's <c>RandAugment(policies, num_policies, total_level, magnitude_level, magnitude_std, hparams)</c> as
/// a training augmentation on 8-bit images (before normalization): <c>data.rand_augment</c>. Off while
/// <see cref="Policies"/> is empty; the other defaults are those of mmpretrain's ImageNet recipes (rand-m9-n2-mstd0.5).
/// Pixels follow Pillow 9.4 (timm's backend), not mmcv's cv2 one; draws come from the run's seed.
/// </summary>
/// <param name="Policies"><c>timm_increasing</c>, or empty for off.</param>
/// <param name="NumPolicies">Ops drawn (with replacement) per image.</param>
/// <param name="TotalLevel">The level that maps to the end of each op's magnitude range.</param>
/// <param name="MagnitudeLevel">The level of every op's magnitude, 0 or more.</param>
/// <param name="MagnitudeStd">Gaussian noise on the level per op (clipped to [0, total_level]); 0: none.</param>
/// <param name="PadVal"><c>hparams.pad_val</c>: fill (0-255, every channel) of pixels that Rotate, Shear and
/// Translate bring in.</param>
/// <param name="Interpolation"><c>hparams.interpolation</c> of Rotate, Shear and Translate (<c>nearest</c>,
/// <c>bilinear</c>, <c>bicubic</c>); empty keeps mmpretrain's per-op defaults (nearest, bicubic, nearest).</param>
public sealed record RandAugmentConfig(
    string Policies = "", int NumPolicies = 2, double TotalLevel = 10, double MagnitudeLevel = 9,
    double MagnitudeStd = 0.5, int PadVal = 128, string Interpolation = "");

/// <summary>
/// mmpretrain's <c>AutoAugment(policies, hparams)</c> as a training augmentation on 8-bit images:
/// <c>data.auto_augment</c>. Off while <see cref="Policies"/> is empty. Pixels follow Pillow 9.4.
/// </summary>
/// <param name="Policies"><c>imagenet</c> (25 sub-policies), or empty for off.</param>
/// <param name="PadVal"><c>hparams.pad_val</c>: fill (0-255, every channel) of pixels Rotate and Shear bring
/// in.</param>
/// <param name="Interpolation"><c>hparams.interpolation</c> of Rotate and Shear, or empty for mmpretrain's
/// per-op defaults.</param>
public sealed record AutoAugmentConfig(string Policies = "", int PadVal = 128, string Interpolation = "");

/// <summary>Builds the image step that <c>data.rand_augment</c> or <c>data.auto_augment</c> asks for.</summary>
public static class AugmentConfigs
{
    /// <summary>Interpolation words the two sections accept (empty: each op's default).</summary>
    public static readonly string[] Interpolations = ["", "nearest", "bilinear", "bicubic"];

    /// <summary>The RandAugment or AutoAugment step of <paramref name="data"/>, or null when both are off.</summary>
    public static IImageTransform? Build(DataConfig data)
    {
        var r = data.RandAugment;
        if (r.Policies.Length > 0)
            return new RandAugment(Vision.Transforms.RandAugment.Named(r.Policies), r.NumPolicies,
                new AugmentSettings(r.MagnitudeLevel, r.MagnitudeStd, r.TotalLevel, [(byte)r.PadVal],
                    Interpolation(r.Interpolation)));
        var a = data.AutoAugment;
        if (a.Policies.Length > 0)
            return new AutoAugment(Vision.Transforms.AutoAugment.Named(a.Policies),
                new AugmentSettings(PadVal: [(byte)a.PadVal], Interpolation: Interpolation(a.Interpolation)));
        return null;
    }

    private static Resample? Interpolation(string word) => word switch
    {
        "" => null,
        "nearest" => Resample.Nearest,
        "bilinear" => Resample.Bilinear,
        "bicubic" => Resample.Bicubic,
        _ => throw new ConfigException($"interpolation '{word}' is not known; use nearest, bilinear or bicubic"),
    };
}
