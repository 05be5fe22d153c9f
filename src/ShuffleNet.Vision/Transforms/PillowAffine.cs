using System.Globalization;
using ShuffleNet.Vision.Decoding;

namespace ShuffleNet.Vision.Transforms;

/// <summary>
/// Pillow 9.4's <c>Image.transform(size, Image.AFFINE, data, resample, fillcolor)</c> and <c>Image.rotate</c>, on an
/// 8-bit HWC image of 1 or 3 channels, same size in and out; pixels that map outside the source get
/// <c>fill</c>. <c>data</c> maps an output pixel centre (x + 0.5, y + 0.5) to source coordinates. Nearest follows
/// Pillow's 16.16 fixed-point path (or its pure-scale path when the map has no shear), bilinear and bicubic its
/// generic float path (bicubic with a = -1, each truncated to uint8), so the bytes match Pillow's.
/// </summary>
public static class PillowAffine
{
    /// <summary>Returns the transformed image (a new one; <paramref name="image"/> is left as it was).</summary>
    /// <param name="image">The source.</param>
    /// <param name="a">Pillow's six coefficients: source x = a0 x + a1 y + a2, source y = a3 x + a4 y + a5.</param>
    /// <param name="resample">Nearest, bilinear or bicubic.</param>
    /// <param name="fill">One value per channel (or one for all) for pixels mapped outside the source.</param>
    public static ImageU8 Transform(ImageU8 image, ReadOnlySpan<double> a, Resample resample, ReadOnlySpan<byte> fill)
    {
        int w = image.Width, h = image.Height, c = image.Channels;
        var output = ImageU8.Rent(w, h, c);
        var dst = output.Pixels;
        if (fill.Length == 1 || (fill[0] == fill[1] && fill[1] == fill[2])) dst.Fill(fill[0]);
        else
            for (int i = 0; i < dst.Length; i += 3) (dst[i], dst[i + 1], dst[i + 2]) = (fill[0], fill[1], fill[2]);
        var src = image.Pixels;
        if (resample == Resample.Nearest)
        {
            if (a[1] == 0 && a[3] == 0) Scale(src, dst, w, h, c, a);
            else Fixed(src, dst, w, h, c, a);
            return output;
        }
        if (resample is not (Resample.Bilinear or Resample.Bicubic))
            throw new ArgumentOutOfRangeException(nameof(resample), resample, "nearest, bilinear or bicubic");
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                double xin = a[0] * (x + 0.5) + a[1] * (y + 0.5) + a[2];
                double yin = a[3] * (x + 0.5) + a[4] * (y + 0.5) + a[5];
                if (xin < 0 || xin >= w || yin < 0 || yin >= h) continue;
                var pixel = dst.Slice((y * w + x) * c, c);
                if (resample == Resample.Bilinear) Bilinear(src, pixel, w, h, xin, yin);
                else Bicubic(src, pixel, w, h, xin, yin);
            }
        return output;
    }

    /// <summary>
    /// <c>img.rotate(angle, resample, fillcolor=fill)</c>: counter-clockwise by <paramref name="degrees"/> about the
    /// centre, same size; 0 and 180 degrees (and 90/270 on a square) take Pillow's exact transposes.
    /// </summary>
    public static ImageU8 Rotate(ImageU8 image, double degrees, Resample resample, ReadOnlySpan<byte> fill)
    {
        double angle = degrees % 360.0;
        if (angle < 0) angle += 360.0;   // Python's % keeps the divisor's sign
        int w = image.Width, h = image.Height;
        if (angle == 0 || angle == 180 || (angle is 90 or 270 && w == h)) return Transpose(image, (int)angle);
        double rad = -angle * Math.PI / 180;
        double cos = Round15(Math.Cos(rad)), sin = Round15(Math.Sin(rad));
        double cx = w / 2.0, cy = h / 2.0;
        double[] m = [cos, sin, 0, -sin, cos, 0];
        m[2] = cos * -cx + sin * -cy + 0 + cx;
        m[5] = -sin * -cx + cos * -cy + 0 + cy;
        return Transform(image, m, resample, fill);
    }

    // Python's round(x, 15): correctly rounded through the shortest decimal string, as "F15" formats it
    private static double Round15(double x) =>
        double.Parse(x.ToString("F15", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static ImageU8 Transpose(ImageU8 image, int angle)
    {
        int w = image.Width, h = image.Height, c = image.Channels;
        var output = ImageU8.Rent(w, h, c);
        var src = image.Pixels;
        var dst = output.Pixels;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                // counter-clockwise: output (x, y) reads the source pixel that rotates onto it
                (int sx, int sy) = angle switch
                {
                    90 => (w - 1 - y, x), 180 => (w - 1 - x, h - 1 - y), 270 => (y, h - 1 - x), _ => (x, y),
                };
                src.Slice((sy * w + sx) * c, c).CopyTo(dst.Slice((y * w + x) * c, c));
            }
        return output;
    }

    private static void Scale(ReadOnlySpan<byte> src, Span<byte> dst, int w, int h, int c, ReadOnlySpan<double> a)
    {
        double xo = a[2] + a[0] * 0.5, yo = a[5] + a[4] * 0.5;
        var xin = new int[w];
        for (int x = 0; x < w; x++, xo += a[0]) xin[x] = Coord(xo);
        for (int y = 0; y < h; y++, yo += a[4])
        {
            int yi = Coord(yo);
            if (yi < 0 || yi >= h) continue;
            for (int x = 0; x < w; x++)
                if (xin[x] >= 0 && xin[x] < w) Copy(src, (yi * w + xin[x]) * c, dst, (y * w + x) * c, c);
        }
    }

    private static void Fixed(ReadOnlySpan<byte> src, Span<byte> dst, int w, int h, int c, ReadOnlySpan<double> a)
    {
        static int Fix(double v) => (int)Math.Floor(v * 65536.0 + 0.5);
        int a0 = Fix(a[0]), a1 = Fix(a[1]), a3 = Fix(a[3]), a4 = Fix(a[4]);
        int a2 = Fix(a[2] + a[0] * 0.5 + a[1] * 0.5), a5 = Fix(a[5] + a[3] * 0.5 + a[4] * 0.5);
        for (int y = 0; y < h; y++, a2 += a1, a5 += a4)
        {
            int xx = a2, yy = a5;
            for (int x = 0; x < w; x++, xx += a0, yy += a3)
            {
                int xi = xx >> 16, yi = yy >> 16;
                if (xi >= 0 && xi < w && yi >= 0 && yi < h) Copy(src, (yi * w + xi) * c, dst, (y * w + x) * c, c);
            }
        }
    }

    private static void Copy(ReadOnlySpan<byte> src, int from, Span<byte> dst, int to, int c)
    {
        if (c == 1) { dst[to] = src[from]; return; }
        dst[to] = src[from];
        dst[to + 1] = src[from + 1];
        dst[to + 2] = src[from + 2];
    }

    private static int Coord(double v) => v < 0 ? -1 : (int)v;

    // Pillow's bilinear_filter8/32RGB: the sample position once, then each band; truncated to uint8
    private static void Bilinear(ReadOnlySpan<byte> src, Span<byte> pixel, int w, int h, double xin, double yin)
    {
        int c = pixel.Length, stride = w * c;
        xin -= 0.5; yin -= 0.5;
        int x = (int)Math.Floor(xin), y = (int)Math.Floor(yin);
        double dx = xin - x, dy = yin - y;
        int x0 = Math.Clamp(x, 0, w - 1) * c, x1 = Math.Clamp(x + 1, 0, w - 1) * c;
        int r0 = Math.Clamp(y, 0, h - 1) * stride, r1 = (y + 1) * stride;
        bool next = y + 1 >= 0 && y + 1 < h;
        for (int b = 0; b < c; b++)
        {
            double v1 = Lerp(src[r0 + x0 + b], src[r0 + x1 + b], dx);
            double v2 = next ? Lerp(src[r1 + x0 + b], src[r1 + x1 + b], dx) : v1;
            pixel[b] = (byte)Lerp(v1, v2, dy);
        }
    }

    private static double Lerp(double a, double b, double d) => a + (b - a) * d;

    // Pillow's bicubic_filter8/32RGB (a = -1): rows outside the image repeat the last one inside; clamped, truncated
    private static void Bicubic(ReadOnlySpan<byte> src, Span<byte> pixel, int w, int h, double xin, double yin)
    {
        int c = pixel.Length, stride = w * c;
        xin -= 0.5; yin -= 0.5;
        int x = (int)Math.Floor(xin), y = (int)Math.Floor(yin);
        double dx = xin - x, dy = yin - y;
        x--; y--;
        int x0 = Math.Clamp(x, 0, w - 1) * c, x1 = Math.Clamp(x + 1, 0, w - 1) * c;
        int x2 = Math.Clamp(x + 2, 0, w - 1) * c, x3 = Math.Clamp(x + 3, 0, w - 1) * c;
        int r0 = Math.Clamp(y, 0, h - 1) * stride;
        bool in1 = y + 1 >= 0 && y + 1 < h, in2 = y + 2 >= 0 && y + 2 < h, in3 = y + 3 >= 0 && y + 3 < h;
        int r1 = (y + 1) * stride, r2 = (y + 2) * stride, r3 = (y + 3) * stride;
        for (int b = 0; b < c; b++)
        {
            double v1 = Row(src, r0 + b, x0, x1, x2, x3, dx);
            double v2 = in1 ? Row(src, r1 + b, x0, x1, x2, x3, dx) : v1;
            double v3 = in2 ? Row(src, r2 + b, x0, x1, x2, x3, dx) : v2;
            double v4 = in3 ? Row(src, r3 + b, x0, x1, x2, x3, dx) : v3;
            double v = Cubic(v1, v2, v3, v4, dy);
            pixel[b] = v <= 0 ? (byte)0 : v >= 255 ? (byte)255 : (byte)v;
        }
    }

    private static double Row(ReadOnlySpan<byte> src, int row, int x0, int x1, int x2, int x3, double dx) =>
        Cubic(src[row + x0], src[row + x1], src[row + x2], src[row + x3], dx);

    private static double Cubic(double v1, double v2, double v3, double v4, double d)
    {
        double p1 = v2, p2 = -v1 + v3, p3 = 2 * (v1 - v2) + v3 - v4, p4 = -v1 + v2 - v3 + v4;
        return p1 + d * (p2 + d * (p3 + d * p4));
    }
}
