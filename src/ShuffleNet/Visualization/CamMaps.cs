namespace ShuffleNet.Visualization;

/// <summary>
/// The class-activation-map formulas, on one layer's activations <c>A</c> and the gradients <c>G</c> of the class score
/// with respect to them (both <c>[C, H, W]</c>, row-major, in double):
/// Grad-CAM (Selvaraju et al., ICCV 2017) <c>relu(sum_c mean(G_c) A_c)</c>, and Grad-CAM++ (Chattopadhyay et al.,
/// WACV 2018, eq. 19, as pytorch-grad-cam computes it) whose channel weights are
/// <c>sum_ij relu(G) * G^2 / (2 G^2 + sum(A_c) G^3 + 1e-6)</c>, zero where <c>G</c> is 0. No TorchSharp.
/// </summary>
public static class CamMaps
{
    /// <summary>Grad-CAM: <c>[H, W]</c>, non-negative, not normalised.</summary>
    public static double[] GradCam(ReadOnlySpan<double> activations, ReadOnlySpan<double> gradients, int channels,
        int height, int width)
    {
        int plane = Check(activations, gradients, channels, height, width);
        var weights = new double[channels];
        for (int c = 0; c < channels; c++)
        {
            double sum = 0;
            foreach (var g in gradients.Slice(c * plane, plane)) sum += g;
            weights[c] = sum / plane;
        }
        return Weighted(activations, weights, plane);
    }

    /// <summary>Grad-CAM++: <c>[H, W]</c>, non-negative, not normalised.</summary>
    public static double[] GradCamPlusPlus(ReadOnlySpan<double> activations, ReadOnlySpan<double> gradients,
        int channels, int height, int width)
    {
        int plane = Check(activations, gradients, channels, height, width);
        var weights = new double[channels];
        for (int c = 0; c < channels; c++)
        {
            var a = activations.Slice(c * plane, plane);
            var g = gradients.Slice(c * plane, plane);
            double sumA = 0;
            foreach (var v in a) sumA += v;
            double w = 0;
            for (int i = 0; i < plane; i++)
            {
                double g1 = g[i], g2 = g1 * g1, g3 = g2 * g1;
                if (g1 <= 0) continue;   // relu(G) is 0 there (and alpha is 0 where G is 0)
                w += g1 * g2 / (2 * g2 + sumA * g3 + 1e-6);
            }
            weights[c] = w;
        }
        return Weighted(activations, weights, plane);
    }

    /// <summary>
    /// Scales <paramref name="map"/> to 0..1 as pytorch-grad-cam's <c>scale_cam_image</c>: subtract the minimum, divide
    /// by <c>1e-7 + max</c> (a constant map becomes all 0).
    /// </summary>
    public static double[] Normalize(IReadOnlyList<double> map)
    {
        double min = map.Min();
        double max = map.Max() - min;
        return [.. map.Select(v => (v - min) / (1e-7 + max))];
    }

    /// <summary>
    /// Bilinear resize of a <c>[height, width]</c> map to <c>[outHeight, outWidth]</c> with half-pixel centres and edge
    /// clamping: <c>torch.nn.functional.interpolate(mode='bilinear', align_corners=False)</c>, and OpenCV's
    /// <c>INTER_LINEAR</c> when enlarging.
    /// </summary>
    public static double[] Resize(IReadOnlyList<double> map, int height, int width, int outHeight, int outWidth)
    {
        if (map.Count != height * width)
            throw new ArgumentException($"map has {map.Count} values, not {height}x{width}");
        var result = new double[outHeight * outWidth];
        for (int y = 0; y < outHeight; y++)
        {
            var (y0, y1, fy) = Source(y, height, outHeight);
            for (int x = 0; x < outWidth; x++)
            {
                var (x0, x1, fx) = Source(x, width, outWidth);
                double top = map[y0 * width + x0] * (1 - fx) + map[y0 * width + x1] * fx;
                double bottom = map[y1 * width + x0] * (1 - fx) + map[y1 * width + x1] * fx;
                result[y * outWidth + x] = top * (1 - fy) + bottom * fy;
            }
        }
        return result;
    }

    private static (int Low, int High, double Fraction) Source(int i, int inSize, int outSize)
    {
        double s = Math.Max(0, (i + 0.5) * inSize / outSize - 0.5);   // PyTorch clamps negative sources to 0
        int low = Math.Min((int)s, inSize - 1);
        return (low, Math.Min(low + 1, inSize - 1), s - low);
    }

    private static double[] Weighted(ReadOnlySpan<double> activations, double[] weights, int plane)
    {
        var cam = new double[plane];
        for (int c = 0; c < weights.Length; c++)
        {
            var a = activations.Slice(c * plane, plane);
            for (int i = 0; i < plane; i++) cam[i] += weights[c] * a[i];
        }
        for (int i = 0; i < plane; i++) cam[i] = Math.Max(cam[i], 0);
        return cam;
    }

    private static int Check(ReadOnlySpan<double> a, ReadOnlySpan<double> g, int channels, int height, int width)
    {
        int size = channels * height * width;
        if (a.Length != size || g.Length != size)
            throw new ArgumentException($"activations ({a.Length}) and gradients ({g.Length}) must both be " +
                                        $"{channels}x{height}x{width} = {size} values");
        return height * width;
    }
}
