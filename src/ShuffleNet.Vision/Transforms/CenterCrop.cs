using ShuffleNet.Vision.Decoding;

namespace ShuffleNet.Vision.Transforms;

/// <summary>
/// mmcls <c>CenterCrop</c>: offsets <c>int(round((H - size) / 2))</c> with Python's round half to even; an image
/// smaller than the crop yields the part that exists (as <c>mmcv.imcrop</c> clips), which a fixed-shape
/// <see cref="Pipeline"/> then rejects with a clear error.
/// </summary>
public sealed class CenterCrop(int size) : IImageTransform
{
    /// <summary>Side of the square crop.</summary>
    public int Size { get; } = size > 0 ? size : throw new ArgumentOutOfRangeException(nameof(size));

    /// <summary>The crop box for a <paramref name="width"/> x <paramref name="height"/> image.</summary>
    public CropBox Box(int width, int height)
    {
        int y = Math.Max(0, (int)Math.Round((height - Size) / 2.0, MidpointRounding.ToEven));
        int x = Math.Max(0, (int)Math.Round((width - Size) / 2.0, MidpointRounding.ToEven));
        return new CropBox(x, y, Math.Min(width, x + Size) - x, Math.Min(height, y + Size) - y);
    }

    /// <inheritdoc/>
    public ImageU8 Apply(ImageU8 image, Random rng)
    {
        var box = Box(image.Width, image.Height);
        if (box == CropBox.Full(image.Width, image.Height)) return image;
        using (image) return PillowResize.Crop(image, box);
    }

    /// <inheritdoc/>
    public SizePlan Plan(long width, long height)
    {
        long w = Math.Min(width, Size), h = Math.Min(height, Size);
        return new SizePlan(w, h, w == width && h == height ? 0 : w * h);
    }

    /// <inheritdoc/>
    public override string ToString() => $"CenterCrop({Size})";
}
