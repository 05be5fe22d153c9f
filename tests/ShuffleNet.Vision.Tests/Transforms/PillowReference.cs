namespace ShuffleNet.Vision.Tests.Transforms;

/// <summary>
/// A slow, literal port of Pillow 9.4's libImaging/Resample.c (precompute_coeffs, normalize_coeffs_8bpc,
/// ImagingResampleHorizontal_8bpc / Vertical_8bpc, ImagingResampleInner) and of Geometry.c's ImagingScaleAffine,
/// kept line by line so it can be read against the C. The reference for the fast kernel in src.
/// Images are byte arrays [ysize][xsize * bands] (Pillow keeps 4 bytes per RGB pixel; only the layout differs).
/// </summary>
internal static class PillowReference
{
    private const int PRECISION_BITS = 32 - 8 - 2;

    private delegate double FilterFn(double x);

    private static double bilinear_filter(double x) { if (x < 0.0) x = -x; if (x < 1.0) return 1.0 - x; return 0.0; }

    private static double bicubic_filter(double x)
    {
        const double a = -0.5;
        if (x < 0.0) x = -x;
        if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
        return 0.0;
    }

    private static byte clip8(int @in)
    {
        int i = @in >> PRECISION_BITS;   // _clip8_lookups[1280] covers -640..639; clamps to 0..255
        return (byte)(i < 0 ? 0 : i > 255 ? 255 : i);
    }

    private static int precompute_coeffs(int inSize, float in0, float in1, int outSize, FilterFn filter,
        double filterSupport,
        out int[] bounds, out double[] kk)
    {
        double support, scale, filterscale, center, ww, ss;
        int xx, x, ksize, xmin, xmax;
        filterscale = scale = (double)(in1 - in0) / outSize;
        if (filterscale < 1.0) filterscale = 1.0;
        support = filterSupport * filterscale;
        ksize = (int)Math.Ceiling(support) * 2 + 1;
        kk = new double[outSize * ksize];
        bounds = new int[outSize * 2];
        for (xx = 0; xx < outSize; xx++)
        {
            center = in0 + (xx + 0.5) * scale;
            ww = 0.0;
            ss = 1.0 / filterscale;
            xmin = (int)(center - support + 0.5);
            if (xmin < 0) xmin = 0;
            xmax = (int)(center + support + 0.5);
            if (xmax > inSize) xmax = inSize;
            xmax -= xmin;
            int k = xx * ksize;
            for (x = 0; x < xmax; x++) { double w = filter((x + xmin - center + 0.5) * ss); kk[k + x] = w; ww += w; }
            for (x = 0; x < xmax; x++) if (ww != 0.0) kk[k + x] /= ww;
            for (; x < ksize; x++) kk[k + x] = 0;
            bounds[xx * 2 + 0] = xmin;
            bounds[xx * 2 + 1] = xmax;
        }
        return ksize;
    }

    private static int[] normalize_coeffs_8bpc(int outSize, int ksize, double[] prekk)
    {
        var kk = new int[outSize * ksize];
        for (int x = 0; x < outSize * ksize; x++)
            kk[x] = prekk[x] < 0 ? (int)(-0.5 + prekk[x] * (1 << PRECISION_BITS)) : (int)(0.5
                + prekk[x] * (1 << PRECISION_BITS));
        return kk;
    }

    private static byte[][] ResampleHorizontal(byte[][] imIn, int bands, int outX, int outY, int offset, int ksize,
        int[] bounds, double[] prekk)
    {
        var kk = normalize_coeffs_8bpc(outX, ksize, prekk);
        var imOut = NewImage(outX * bands, outY);
        for (int yy = 0; yy < outY; yy++)
            for (int xx = 0; xx < outX; xx++)
            {
                int xmin = bounds[xx * 2 + 0], xmax = bounds[xx * 2 + 1], k = xx * ksize;
                for (int b = 0; b < bands; b++)
                {
                    int ss0 = 1 << (PRECISION_BITS - 1);
                    for (int x = 0; x < xmax; x++) ss0 += imIn[yy + offset][(x + xmin) * bands + b] * kk[k + x];
                    imOut[yy][xx * bands + b] = clip8(ss0);
                }
            }
        return imOut;
    }

    private static byte[][] ResampleVertical(byte[][] imIn, int bands, int outX, int outY, int ksize, int[] bounds,
        double[] prekk)
    {
        var kk = normalize_coeffs_8bpc(outY, ksize, prekk);
        var imOut = NewImage(outX * bands, outY);
        for (int yy = 0; yy < outY; yy++)
        {
            int k = yy * ksize, ymin = bounds[yy * 2 + 0], ymax = bounds[yy * 2 + 1];
            for (int xx = 0; xx < outX; xx++)
                for (int b = 0; b < bands; b++)
                {
                    int ss0 = 1 << (PRECISION_BITS - 1);
                    for (int y = 0; y < ymax; y++) ss0 += imIn[y + ymin][xx * bands + b] * kk[k + y];
                    imOut[yy][xx * bands + b] = clip8(ss0);
                }
        }
        return imOut;
    }

    /// <summary>ImagingResampleInner with box = (0, 0, xsizeIn, ysizeIn), as Image.resize passes it.</summary>
    private static byte[][] ImagingResampleInner(byte[][] imIn, int bands, int inX, int inY, int xsize, int ysize,
        FilterFn f, double support)
    {
        float[] box = [0, 0, inX, inY];
        bool need_horizontal = xsize != inX || box[0] != 0 || box[2] != xsize;
        bool need_vertical = ysize != inY || box[1] != 0 || box[3] != ysize;
        int ksize_vert = precompute_coeffs(inY, box[1], box[3], ysize, f, support, out var bounds_vert,
            out var kk_vert);
        int ybox_first = bounds_vert[0];
        int ybox_last = bounds_vert[ysize * 2 - 2] + bounds_vert[ysize * 2 - 1];
        byte[][]? imOut = null;
        int curX = inX;
        if (need_horizontal)
        {
            int ksize_horiz = precompute_coeffs(inX, box[0], box[2], xsize, f, support, out var bounds_horiz,
                out var kk_horiz);
            for (int i = 0; i < ysize; i++) bounds_vert[i * 2] -= ybox_first;
            imOut = imIn = ResampleHorizontal(imIn, bands, xsize, ybox_last - ybox_first, ybox_first, ksize_horiz,
                bounds_horiz, kk_horiz);
            curX = xsize;
        }
        if (need_vertical) imOut = ResampleVertical(imIn, bands, curX, ysize, ksize_vert, bounds_vert, kk_vert);
        return imOut ?? imIn.Select(r => (byte[])r.Clone()).ToArray();
    }

    /// <summary>ImagingScaleAffine (NEAREST), a = [(box2-box0)/xsize, 0, box0, 0, (box3-box1)/ysize, box1].</summary>
    private static byte[][] ImagingScaleAffine(byte[][] imIn, int bands, int inX, int inY, int xsize, int ysize)
    {
        double a0 = (double)((float)inX - 0f) / xsize, a4 = (double)((float)inY - 0f) / ysize, a2 = 0, a5 = 0;
        var imOut = NewImage(xsize * bands, ysize);
        var xintab = new int[xsize];
        double xo = a2 + a0 * 0.5, yo = a5 + a4 * 0.5;
        int xmin = xsize, xmax = 0;
        for (int x = 0; x < xsize; x++)
        {
            int xin = xo < 0.0 ? -1 : (int)xo;
            if (xin >= 0 && xin < inX) { xmax = x + 1; if (x < xmin) xmin = x; xintab[x] = xin; }
            xo += a0;
        }
        for (int y = 0; y < ysize; y++)
        {
            int yi = yo < 0.0 ? -1 : (int)yo;
            if (yi >= 0 && yi < inY)
                for (int x = xmin; x < xmax; x++)
                    for (int b = 0; b < bands; b++) imOut[y][x * bands + b] = imIn[yi][xintab[x] * bands + b];
            yo += a4;
        }
        return imOut;
    }

    /// <summary><c>Image.resize((xsize, ysize), filter)</c> on packed HWC bytes; returns packed HWC bytes.</summary>
    public static byte[] Resize(byte[] hwc, int inX, int inY, int bands, int xsize, int ysize, string filter)
    {
        var rows = Enumerable.Range(0, inY).Select(y => hwc.AsSpan(y * inX * bands, inX * bands).ToArray()).ToArray();
        byte[][] res = (inX == xsize && inY == ysize) ? rows   // Image.resize returns self.copy()
            : filter switch
            {
                "nearest" => ImagingScaleAffine(rows, bands, inX, inY, xsize, ysize),
                "bilinear" => ImagingResampleInner(rows, bands, inX, inY, xsize, ysize, bilinear_filter, 1.0),
                "bicubic" => ImagingResampleInner(rows, bands, inX, inY, xsize, ysize, bicubic_filter, 2.0),
                _ => throw new ArgumentException(filter),
            };
        return res.SelectMany(r => r).ToArray();
    }

    private static byte[][] NewImage(int rowBytes, int rows) => Enumerable.Range(0, rows)
        .Select(_ => new byte[rowBytes]).ToArray();
}
