using ShuffleNet.Vision.Decoding;

namespace ShuffleNet.Vision.Transforms;

/// <summary>
/// Resizes to a fixed <see cref="Width"/> x <see cref="Height"/> with Pillow's filters (mmcls <c>Resize(size=(h,
/// w))</c>).
/// </summary>
public sealed class Resize(int width, int height, Resample interpolation = Resample.Bilinear) : IImageTransform
{
    /// <summary>Output width.</summary>
    public int Width { get; } = width > 0 ? width : throw new ArgumentOutOfRangeException(nameof(width));

    /// <summary>Output height.</summary>
    public int Height { get; } = height > 0 ? height : throw new ArgumentOutOfRangeException(nameof(height));

    /// <summary>Resampling filter (Pillow semantics).</summary>
    public Resample Interpolation { get; } = interpolation;

    /// <inheritdoc/>
    public ImageU8 Apply(ImageU8 image, Random rng)
    {
        if (image.Width == Width && image.Height == Height) return image;
        using (image) return PillowResize.Resize(image, Width, Height, Interpolation);
    }

    /// <inheritdoc/>
    public SizePlan Plan(long width, long height) =>
        new(Width, Height, PillowResize.PeakPixels(width, height, Width, Height, Interpolation));

    /// <inheritdoc/>
    public override string ToString() => $"Resize({Width}x{Height}, {Interpolation})";
}
