using ShuffleNet.Vision.Decoding;

namespace ShuffleNet.Vision.Transforms;

/// <summary>
/// Pillow's NEAREST resize: <c>ImagingScaleAffine</c> in libImaging/Geometry.c. The sample position advances by
/// repeated addition of the scale (not multiplication), exactly as Pillow does, so rounding drift is reproduced.
/// </summary>
internal static class NearestResize
{
    public static ImageU8 Apply(ImageU8 src, CropBox region, int width, int height)
    {
        int c = src.Channels;
        double a0 = (double)(float)region.Width / width, a4 = (double)(float)region.Height / height;
        var xintab = new int[width];
        int xmin = width, xmax = 0;
        double xo = a0 * 0.5;
        for (int x = 0; x < width; x++)
        {
            int xin = Coord(xo);
            if (xin >= 0 && xin < region.Width) { xmax = x + 1; if (x < xmin) xmin = x; xintab[x] = xin; }
            xo += a0;
        }
        var output = ImageU8.Rent(width, height, c);
        output.Pixels.Clear();
        double yo = a4 * 0.5;
        var s = src.Data;
        var d = output.Data;
        for (int y = 0; y < height; y++, yo += a4)
        {
            int yi = Coord(yo);
            if (yi < 0 || yi >= region.Height) continue;
            int srow = (region.Y + yi) * src.Stride + region.X * c, drow = y * output.Stride;
            for (int x = xmin; x < xmax; x++)
                for (int ch = 0; ch < c; ch++) d[drow + x * c + ch] = s[srow + xintab[x] * c + ch];
        }
        return output;
    }

    private static int Coord(double v) => v < 0.0 ? -1 : (int)v;
}
