using ShuffleNet.Vision.Decoding;

namespace ShuffleNet.Vision.Transforms;

/// <summary>
/// mmcls <c>RandomResizedCrop(size, scale=(0.08, 1.0), ratio=(3/4, 4/3), max_attempts=10, backend='pillow')</c>:
/// area fraction uniform in <see cref="ScaleMin"/>..<see cref="ScaleMax"/>, aspect ratio log-uniform in
/// <see cref="RatioMin"/>..<see cref="RatioMax"/>, sides rounded half to even; after <see cref="MaxAttempts"/> misses,
/// a central crop clamped to the ratio range. Sampling (<see cref="SampleParams"/>) is apart from the pure
/// crop + resize (<see cref="ResizedCrop.Apply"/>).
/// </summary>
public sealed class RandomResizedCrop(int size, double scaleMin = 0.08, double scaleMax = 1.0,
    double ratioMin = 3.0 / 4.0, double ratioMax = 4.0 / 3.0, int maxAttempts = 10,
    Resample interpolation = Resample.Bilinear) : IImageTransform
{
    /// <summary>Output side (square).</summary>
    public int Size { get; } = size > 0 ? size : throw new ArgumentOutOfRangeException(nameof(size));

    /// <summary>Smallest area fraction.</summary>
    public double ScaleMin { get; } = scaleMin;

    /// <summary>Largest area fraction.</summary>
    public double ScaleMax { get; } = scaleMax;

    /// <summary>Smallest aspect ratio (width / height).</summary>
    public double RatioMin { get; } = ratioMin;

    /// <summary>Largest aspect ratio (width / height).</summary>
    public double RatioMax { get; } = ratioMax;

    /// <summary>Random tries before the central fallback.</summary>
    public int MaxAttempts { get; } = maxAttempts;

    /// <summary>Resampling filter of the resize (Pillow semantics).</summary>
    public Resample Interpolation { get; } = interpolation;

    /// <summary>
    /// Samples the crop box for a <paramref name="width"/> x <paramref name="height"/> image, as mmcls's
    /// <c>get_params</c>.
    /// </summary>
    public CropBox SampleParams(int height, int width, Random rng)
    {
        double area = (double)height * width;
        double logMin = Math.Log(RatioMin), logMax = Math.Log(RatioMax);
        for (int i = 0; i < MaxAttempts; i++)
        {
            double targetArea = (ScaleMin + (ScaleMax - ScaleMin) * rng.NextDouble()) * area;
            double aspect = Math.Exp(logMin + (logMax - logMin) * rng.NextDouble());
            int w = (int)Math.Round(Math.Sqrt(targetArea * aspect), MidpointRounding.ToEven);
            int h = (int)Math.Round(Math.Sqrt(targetArea / aspect), MidpointRounding.ToEven);
            if (w > 0 && w <= width && h > 0 && h <= height)
            {
                int y = rng.Next(0, height - h + 1);   // random.randint is inclusive
                int x = rng.Next(0, width - w + 1);
                return new CropBox(x, y, w, h);
            }
        }
        return Fallback(height, width);
    }

    /// <summary>mmcls's central fallback: the whole image, narrowed to the nearest allowed aspect ratio.</summary>
    public CropBox Fallback(int height, int width)
    {
        double inRatio = (double)width / height;
        double lo = Math.Min(RatioMin, RatioMax), hi = Math.Max(RatioMin, RatioMax);
        int w = width, h = height;
        if (inRatio < lo) h = (int)Math.Round(w / lo, MidpointRounding.ToEven);
        else if (inRatio > hi) w = (int)Math.Round(h * hi, MidpointRounding.ToEven);
        return new CropBox((width - w) / 2, (height - h) / 2, w, h);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The sampled box keeps its aspect ratio within [<see cref="RatioMin"/>, <see cref="RatioMax"/>] (or is the whole
    /// image narrowed to it), so its height is bounded by the square root of the area, whatever the draws; the resize
    /// holds at most the output and a temporary of output width by box height.
    /// </remarks>
    public SizePlan Plan(long width, long height)
    {
        double lo = Math.Min(RatioMin, RatioMax), area = (double)width * height;
        long boxH = (long)Math.Min(height, Math.Max(Math.Sqrt(Math.Max(ScaleMax, 1) * area / lo), width / lo) + 1);
        return new SizePlan(Size, Size, (long)Size * boxH + (long)Size * Size);
    }

    /// <inheritdoc/>
    public ImageU8 Apply(ImageU8 image, Random rng)
    {
        var box = SampleParams(image.Height, image.Width, rng);
        using (image) return ResizedCrop.Apply(image, box, Size, Size, Interpolation);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"RandomResizedCrop(size={Size}, scale=({ScaleMin}, {ScaleMax}), ratio=({RatioMin:0.####}, " +
            $"{RatioMax:0.####}), attempts={MaxAttempts}, {Interpolation})";
}

/// <summary>
/// The deterministic half of <see cref="RandomResizedCrop"/>: crop a box, resize it (mmcv imcrop + imresize, pillow
/// backend).
/// </summary>
public static class ResizedCrop
{
    /// <summary>
    /// Crops <paramref name="box"/> from <paramref name="image"/> (not disposed) and resizes it to
    /// <paramref name="width"/> x <paramref name="height"/>.
    /// </summary>
    public static ImageU8 Apply(ImageU8 image, CropBox box, int width, int height,
        Resample interpolation = Resample.Bilinear) =>
        PillowResize.Resize(image, box, width, height, interpolation);
}
