namespace ShuffleNet.Vision.Transforms;

/// <summary>
/// Pillow 9.4's <c>precompute_coeffs</c> + <c>normalize_coeffs_8bpc</c> (libImaging/Resample.c): for each output
/// pixel the first input index, the tap count and fixed-point int32 weights with <see cref="PrecisionBits"/> bits.
/// The double arithmetic is kept in Pillow's order so the rounded weights are identical.
/// </summary>
internal sealed class ResampleCoefficients
{
    /// <summary>32 - 8 - 2: 8 bits of result, 2 for overflow of negative lobes, as in Pillow.</summary>
    public const int PrecisionBits = 32 - 8 - 2;

    private ResampleCoefficients(int ksize, int[] bounds, int[] weights) { KSize = ksize; Bounds = bounds;
        Weights = weights; }

    /// <summary>Stride of <see cref="Weights"/> per output pixel.</summary>
    public int KSize { get; }

    /// <summary>Pairs (first input index, tap count) per output pixel.</summary>
    public int[] Bounds { get; }

    /// <summary>Fixed-point weights, <see cref="KSize"/> per output pixel.</summary>
    public int[] Weights { get; }

    /// <summary>
    /// Coefficients mapping input range [<paramref name="in0"/>, <paramref name="in1"/>) of <paramref name="inSize"/>
    /// onto <paramref name="outSize"/> pixels.
    /// </summary>
    public static ResampleCoefficients Compute(int inSize, float in0, float in1, int outSize, Resample filter)
    {
        double support0 = filter == Resample.Bicubic ? 2.0 : 1.0;
        double scale = (double)(in1 - in0) / outSize;   // float subtraction first, as in C
        double filterscale = scale < 1.0 ? 1.0 : scale;
        double support = support0 * filterscale;
        int ksize = (int)Math.Ceiling(support) * 2 + 1;
        var bounds = new int[outSize * 2];
        var weights = new int[outSize * ksize];
        var k = new double[ksize];
        for (int xx = 0; xx < outSize; xx++)
        {
            double center = in0 + (xx + 0.5) * scale;
            double ww = 0.0, ss = 1.0 / filterscale;
            int xmin = (int)(center - support + 0.5);
            if (xmin < 0) xmin = 0;
            int xmax = (int)(center + support + 0.5);
            if (xmax > inSize) xmax = inSize;
            xmax -= xmin;
            for (int x = 0; x < xmax; x++)
            {
                double w = Filter(filter, (x + xmin - center + 0.5) * ss);
                k[x] = w;
                ww += w;
            }
            for (int x = 0; x < xmax; x++)
            {
                if (ww != 0.0) k[x] /= ww;
                double v = k[x] * (1 << PrecisionBits);
                weights[xx * ksize + x] = k[x] < 0 ? (int)(-0.5 + v) : (int)(0.5 + v);
            }
            bounds[xx * 2] = xmin;
            bounds[xx * 2 + 1] = xmax;
        }
        return new ResampleCoefficients(ksize, bounds, weights);
    }

    private static double Filter(Resample filter, double x)
    {
        if (x < 0.0) x = -x;
        if (filter == Resample.Bilinear) return x < 1.0 ? 1.0 - x : 0.0;
        const double a = -0.5;
        if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
        return 0.0;
    }
}
