using ShuffleNet.Vision.Decoding;

namespace ShuffleNet.Vision.Transforms;

/// <summary>
/// Pillow 9.4's <c>ImageEnhance</c> (Color, Contrast, Brightness, Sharpness), in place on an 8-bit HWC image of 1 or 3
/// channels: each blends the image with a degenerate version by <c>Image.blend(degenerate, image, factor)</c>, whose
/// C code works in single precision and truncates (clamping when <c>factor</c> is outside [0, 1]); so does this.
/// </summary>
public static class PillowEnhance
{
    /// <summary><c>ImageEnhance.Color(img).enhance(factor)</c>: towards Pillow's luma (a no-op on 1 channel).</summary>
    public static void Color(ImageU8 image, double factor)
    {
        if (image.Channels == 1) return;   // convert('L').convert('L') is the image itself
        var px = image.Pixels;
        var gray = new byte[px.Length];
        for (int i = 0; i < px.Length; i += 3)
            gray[i] = gray[i + 1] = gray[i + 2] =
                (byte)((px[i] * 19595 + px[i + 1] * 38470 + px[i + 2] * 7471 + 0x8000) >> 16);
        Blend(gray, px, factor);
    }

    /// <summary><c>ImageEnhance.Contrast(img).enhance(factor)</c>: towards the rounded mean luma.</summary>
    public static void Contrast(ImageU8 image, double factor)
    {
        var px = image.Pixels;
        long sum = 0;
        if (image.Channels == 1)
            foreach (var v in px) sum += v;
        else
            for (int i = 0; i < px.Length; i += 3)
                sum += (px[i] * 19595 + px[i + 1] * 38470 + px[i + 2] * 7471 + 0x8000) >> 16;
        int mean = (int)((double)sum / (image.Width * image.Height) + 0.5);
        BlendConstant((byte)mean, px, factor);
    }

    /// <summary><c>ImageEnhance.Brightness(img).enhance(factor)</c>: towards black.</summary>
    public static void Brightness(ImageU8 image, double factor) => BlendConstant(0, image.Pixels, factor);

    /// <summary><c>ImageEnhance.Sharpness(img).enhance(factor)</c>: towards <c>ImageFilter.SMOOTH</c>.</summary>
    public static void Sharpness(ImageU8 image, double factor) => Blend(Smooth(image), image.Pixels, factor);

    /// <summary>
    /// <c>ImageFilter.SMOOTH</c> (3x3 kernel 1 1 1 / 1 5 1 / 1 1 1, divisor 13) as Pillow's <c>ImagingFilter3x3</c>
    /// computes it: float sums row by row plus 0.5, truncated; the one-pixel border is copied unchanged.
    /// </summary>
    internal static byte[] Smooth(ImageU8 image)
    {
        int w = image.Width, h = image.Height, c = image.Channels, stride = w * c;
        var src = image.Pixels;
        var dst = src.ToArray();
        if (w < 3 || h < 3) return dst;   // Pillow copies images smaller than the kernel
        float k1 = (float)(1.0 / 13), k5 = (float)(5.0 / 13);
        for (int y = 1; y < h - 1; y++)
            for (int x = 1; x < w - 1; x++)
                for (int b = 0; b < c; b++)
                {
                    int i = y * stride + x * c + b;
                    float ss = 0.5f;
                    ss += Row(src, i + stride, c, k1, k1);
                    ss += Row(src, i, c, k1, k5);
                    ss += Row(src, i - stride, c, k1, k1);
                    dst[i] = ss <= 0 ? (byte)0 : ss >= 255 ? (byte)255 : (byte)ss;
                }
        return dst;
    }

    private static float Row(ReadOnlySpan<byte> p, int i, int d, float side, float mid) =>
        p[i - d] * side + p[i] * mid + p[i + d] * side;

    /// <summary><c>Image.blend(degenerate, image, factor)</c> into <paramref name="image"/>.</summary>
    internal static void Blend(ReadOnlySpan<byte> degenerate, Span<byte> image, double factor)
    {
        float alpha = (float)factor;
        if (alpha == 1f) return;
        if (alpha == 0f) { degenerate.CopyTo(image); return; }
        for (int i = 0; i < image.Length; i++) image[i] = Mix(degenerate[i], image[i], alpha);
    }

    // a constant degenerate (Brightness, Contrast): the output depends on the pixel value alone, so a 256-entry
    // table of the same arithmetic gives the same bytes
    private static void BlendConstant(byte degenerate, Span<byte> image, double factor)
    {
        float alpha = (float)factor;
        if (alpha == 1f) return;
        Span<byte> lut = stackalloc byte[256];
        for (int v = 0; v < 256; v++) lut[v] = alpha == 0f ? degenerate : Mix(degenerate, (byte)v, alpha);
        for (int i = 0; i < image.Length; i++) image[i] = lut[image[i]];
    }

    // ImagingBlend: in1 + alpha * (in2 - in1) in single precision, truncated; clamped only when extrapolating
    private static byte Mix(byte in1, byte in2, float alpha)
    {
        float v = in1 + alpha * (in2 - in1);
        return alpha is >= 0 and <= 1 ? (byte)v : v <= 0 ? (byte)0 : v >= 255 ? (byte)255 : (byte)v;
    }
}
