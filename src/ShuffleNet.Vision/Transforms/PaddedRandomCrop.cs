namespace ShuffleNet.Vision.Transforms;

/// <summary>
/// torchvision-style <c>RandomCrop(size, padding=p)</c> back to the input size, on a normalized CHW sample: pad
/// <see cref="Padding"/> zeros on every side, then crop at an offset uniform in 0..2p. The zeros are in
/// normalized units, exactly as the Fashion-MNIST peer (<c>F.pad</c> on the normalized tensor) does; in pixels
/// that is the dataset mean, which no 8-bit fill could reproduce, hence a tensor step.
/// </summary>
public sealed class PaddedRandomCrop(int padding) : ITensorTransform
{
    /// <summary>Pixels of zero padding per side.</summary>
    public int Padding { get; } = padding >= 0 ? padding : throw new ArgumentOutOfRangeException(nameof(padding));

    /// <inheritdoc/>
    public void Apply(Span<float> chw, int channels, int height, int width, Random rng)
    {
        // torchvision's RandomCrop.get_params order: the row offset, then the column offset, each uniform in [0, 2p]
        int dy = rng.Next(0, 2 * Padding + 1) - Padding, dx = rng.Next(0, 2 * Padding + 1) - Padding;
        if (dx == 0 && dy == 0) return;
        Span<float> plane = width * height <= 4096 ? stackalloc float[width * height] : new float[width * height];
        for (int c = 0; c < channels; c++)
        {
            var p = chw.Slice(c * height * width, height * width);
            p.CopyTo(plane);
            p.Clear();
            for (int y = 0; y < height; y++)
            {
                int sy = y + dy;
                if (sy < 0 || sy >= height) continue;
                int x0 = Math.Max(0, -dx), x1 = Math.Min(width, width - dx);
                if (x1 > x0) plane.Slice(sy * width + x0 + dx, x1 - x0).CopyTo(p.Slice(y * width + x0, x1 - x0));
            }
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"PaddedRandomCrop(padding={Padding})";
}
