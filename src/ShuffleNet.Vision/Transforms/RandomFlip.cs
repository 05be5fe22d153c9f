using ShuffleNet.Vision.Decoding;

namespace ShuffleNet.Vision.Transforms;

/// <summary>
/// mmcls <c>RandomFlip(prob=0.5, direction='horizontal')</c>, on 8-bit images or on normalized CHW samples. One draw
/// <c>u = rng.NextDouble()</c> per sample; it flips when <c>u &gt;= 1 - p</c> (probability p), so at p = 0.5 it
/// flips exactly when <c>rng.Next(2) == 1</c>, the draw of the trainer's recorded Fashion-MNIST runs.
/// </summary>
public sealed class RandomFlip(double probability = 0.5) : IImageTransform, ITensorTransform
{
    /// <summary>Chance of flipping.</summary>
    public double Probability { get; } = probability is >= 0 and <= 1 ? probability
        : throw new ArgumentOutOfRangeException(nameof(probability));

    /// <inheritdoc/>
    public ImageU8 Apply(ImageU8 image, Random rng)
    {
        if (!Draw(rng)) return image;
        int c = image.Channels;
        for (int y = 0; y < image.Height; y++)
        {
            var row = image.Row(y);
            for (int l = 0, r = image.Width - 1; l < r; l++, r--)
                for (int k = 0; k < c; k++) (row[l * c + k], row[r * c + k]) = (row[r * c + k], row[l * c + k]);
        }
        return image;
    }

    /// <inheritdoc/>
    public void Apply(Span<float> chw, int channels, int height, int width, Random rng)
    {
        if (!Draw(rng)) return;
        for (int row = 0; row < channels * height; row++) chw.Slice(row * width, width).Reverse();
    }

    private bool Draw(Random rng) => rng.NextDouble() >= 1 - Probability;

    /// <inheritdoc/>
    public SizePlan Plan(long width, long height) => new(width, height, 0);   // in place

    /// <inheritdoc/>
    public override string ToString() => $"RandomFlip(p={Probability}, horizontal)";
}
