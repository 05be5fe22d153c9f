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

    /// <summary>The output (width, height) for a <paramref name="width"/> x <paramref name="height"/> input.</summary>
    public (int Width, int Height) OutputSize(int width, int height)
    {
        if ((width <= height && width == Size) || (height <= width && height == Size)) return (width, height);
        // Python's int(256 * h / w): true division in double, then truncation
        return width < height
            ? (Size, (int)((double)Size * height / width))
            : ((int)((double)Size * width / height), Size);
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
