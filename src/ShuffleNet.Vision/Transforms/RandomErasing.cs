namespace ShuffleNet.Vision.Transforms;

using ShuffleNet.Vision.Decoding;

/// <summary>
/// Random erasing (Zhong et al., AAAI 2020), as torchvision's <c>RandomErasing(p, scale, ratio, value=0)</c> applies it
/// to a normalized tensor (mmpretrain's <c>RandomErasing</c> does the same on pixels): with probability
/// <see cref="Probability"/>, one rectangle of area <c>scale</c> times the image and aspect ratio drawn log-uniformly
/// from <c>ratio</c> is set to 0 (the mean pixel after normalization) in every channel; 10 tries to fit, else nothing.
/// </summary>
public sealed class RandomErasing : ITensorTransform
{
    /// <summary>Creates the transform; the defaults are torchvision's and the paper's.</summary>
    public RandomErasing(double probability = 0.5, double minArea = 0.02, double maxArea = 1.0 / 3,
        double minRatio = 0.3, double maxRatio = 1 / 0.3)
    {
        if (probability is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(probability), probability,
            "must be in [0, 1]");
        if (minArea <= 0 || maxArea > 1 || minArea > maxArea) throw new ArgumentOutOfRangeException(nameof(minArea),
            $"need 0 < minArea <= maxArea <= 1, got {minArea}, {maxArea}");
        if (minRatio <= 0 || minRatio > maxRatio) throw new ArgumentOutOfRangeException(nameof(minRatio),
            $"need 0 < minRatio <= maxRatio, got {minRatio}, {maxRatio}");
        (Probability, MinArea, MaxArea, MinRatio, MaxRatio) = (probability, minArea, maxArea, minRatio, maxRatio);
    }

    /// <summary>Chance of erasing a sample.</summary>
    public double Probability { get; }

    /// <summary>Smallest erased fraction of the image area.</summary>
    public double MinArea { get; }

    /// <summary>Largest erased fraction of the image area.</summary>
    public double MaxArea { get; }

    /// <summary>Smallest aspect ratio (height / width) of the rectangle.</summary>
    public double MinRatio { get; }

    /// <summary>Largest aspect ratio (height / width) of the rectangle.</summary>
    public double MaxRatio { get; }

    /// <summary>
    /// Draws the rectangle for a <paramref name="height"/> x <paramref name="width"/> image, or null for none.
    /// </summary>
    public CropBox? Sample(int height, int width, Random rng)
    {
        if (rng.NextDouble() >= Probability) return null;
        double area = (double)height * width, logMin = Math.Log(MinRatio), logMax = Math.Log(MaxRatio);
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double target = area * (MinArea + rng.NextDouble() * (MaxArea - MinArea));
            double ratio = Math.Exp(logMin + rng.NextDouble() * (logMax - logMin));
            int h = (int)Math.Round(Math.Sqrt(target * ratio)), w = (int)Math.Round(Math.Sqrt(target / ratio));
            if (h < 1 || w < 1 || h >= height || w >= width) continue;
            return new CropBox(rng.Next(width - w + 1), rng.Next(height - h + 1), w, h);
        }
        return null;
    }

    /// <inheritdoc/>
    public void Apply(Span<float> chw, int channels, int height, int width, Random rng)
    {
        if (Sample(height, width, rng) is not { } box) return;
        for (int c = 0; c < channels; c++)
            for (int y = box.Y; y < box.Y + box.Height; y++)
                chw.Slice((c * height + y) * width + box.X, box.Width).Clear();
    }

    /// <inheritdoc/>
    public override string ToString() => $"RandomErasing(p={Probability}, scale=({MinArea}, {MaxArea:0.###}), " +
        $"ratio=({MinRatio}, {MaxRatio:0.###}))";
}
