using ShuffleNet.Vision.Decoding;

namespace ShuffleNet.Vision.Transforms;

/// <summary>
/// mmcls <c>Resize(size=(N, -1), backend='pillow')</c>: the short side becomes <see cref="Size"/>, the long side
/// <c>int(N * long / short)</c> (truncated); nothing happens when the short side already is N.
/// </summary>
public sealed class ResizeEdge(int size, Resample interpolation = Resample.Bilinear) : IImageTransform
{
    /// <summary>Target length of the short side.</summary>
    public int Size { get; } = size > 0 ? size : throw new ArgumentOutOfRangeException(nameof(size));

    /// <summary>Resampling filter (Pillow semantics).</summary>
    public Resample Interpolation { get; } = interpolation;

    /// <summary>The output (width, height) for a <paramref name="width"/> x <paramref name="height"/>
    /// input.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The long side would not fit in 32 bits (see
    /// <see cref="Plan"/>).</exception>
    public (int Width, int Height) OutputSize(int width, int height)
    {
        var (w, h) = Target(width, height);
        if (w > int.MaxValue || h > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(width),
                $"resizing {width}x{height} to a short side of {Size} makes {w}x{h}");
        return ((int)w, (int)h);
    }

    /// <inheritdoc/>
    public SizePlan Plan(long width, long height)
    {
        var (w, h) = Target(width, height);
        long peak = w == width && h == height ? 0 : PillowResize.PeakPixels(width, height, w, h, Interpolation);
        return new SizePlan(w, h, peak);
    }

    private (long Width, long Height) Target(long width, long height)
    {
        if ((width <= height && width == Size) || (height <= width && height == Size)) return (width, height);
        // Python's int(256 * h / w): true division in double, then truncation (saturated: Plan refuses it anyway)
        return width < height
            ? (Size, (long)Math.Min((double)Size * height / width, long.MaxValue / 4))
            : ((long)Math.Min((double)Size * width / height, long.MaxValue / 4), Size);
    }

    /// <inheritdoc/>
    public ImageU8 Apply(ImageU8 image, Random rng)
    {
        var (w, h) = OutputSize(image.Width, image.Height);
        if (w == image.Width && h == image.Height) return image;
        using (image) return PillowResize.Resize(image, w, h, Interpolation);
    }

    /// <inheritdoc/>
    public override string ToString() => $"ResizeEdge(short={Size}, {Interpolation})";
}
