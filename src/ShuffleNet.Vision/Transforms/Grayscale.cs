using ShuffleNet.Vision.Decoding;

namespace ShuffleNet.Vision.Transforms;

/// <summary>
/// RGB to one luma channel exactly as Pillow's <c>Image.convert('L')</c>: ITU-R 601-2,
/// <c>L = (19595 R + 38470 G + 7471 B + 0x8000) &gt;&gt; 16</c>. A 1-channel image passes through.
/// </summary>
public sealed class Grayscale : IImageTransform
{
    /// <inheritdoc />
    public ImageU8 Apply(ImageU8 image, Random rng)
    {
        if (image.Channels == 1) return image;
        var gray = ImageU8.Rent(image.Width, image.Height, 1);
        var src = image.Pixels;
        var dst = gray.Pixels;
        for (int i = 0, j = 0; i < dst.Length; i++, j += 3)
            dst[i] = (byte)((src[j] * 19595 + src[j + 1] * 38470 + src[j + 2] * 7471 + 0x8000) >> 16);
        image.Dispose();
        return gray;
    }

    /// <inheritdoc />
    public SizePlan Plan(long width, long height) => new(width, height, width * height);

    /// <inheritdoc />
    public override string ToString() => "Grayscale(L)";
}
