using ShuffleNet.Vision.Decoding;

namespace ShuffleNet.Vision.Transforms;

/// <summary>
/// The point and histogram operations of Pillow 9.4's <c>ImageOps</c> (and mmpretrain's <c>SolarizeAdd</c>), in
/// place on an 8-bit HWC image of 1 or 3 channels, byte for byte as Pillow computes them: each is a lookup table per
/// channel, built by the same arithmetic as Pillow's Python code.
/// </summary>
public static class PillowOps
{
    /// <summary><c>ImageOps.autocontrast(img)</c>, cutoff 0: per channel, darkest to 0, lightest to 255.</summary>
    public static void AutoContrast(ImageU8 image) => ApplyHistogramLut(image, (h, lut) =>
    {
        int lo = 0, hi = 255;
        while (lo < 255 && h[lo] == 0) lo++;
        while (hi > 0 && h[hi] == 0) hi--;
        for (int i = 0; i < 256; i++)
        {
            if (hi <= lo) { lut[i] = (byte)i; continue; }
            double scale = 255.0 / (hi - lo), offset = -lo * scale;
            lut[i] = (byte)Math.Clamp((int)(i * scale + offset), 0, 255);
        }
    });

    /// <summary><c>ImageOps.equalize(img)</c>: each channel's histogram flattened, Pillow's integer steps.</summary>
    public static void Equalize(ImageU8 image) => ApplyHistogramLut(image, (h, lut) =>
    {
        long total = 0, last = 0;
        int used = 0;
        foreach (var n in h)
            if (n != 0) { total += n; last = n; used++; }
        long step = used <= 1 ? 0 : (total - last) / 255;
        long acc = step / 2;
        for (int i = 0; i < 256; i++)
        {
            lut[i] = step == 0 ? (byte)i : (byte)Math.Min(acc / step, 255);
            acc += h[i];
        }
    });

    /// <summary>Fills a channel's 256-entry table from that channel's histogram.</summary>
    private delegate void HistogramTable(ReadOnlySpan<long> histogram, Span<byte> table);

    // the shared frame of AutoContrast and Equalize: histograms, one table per channel from its own, one pass
    private static void ApplyHistogramLut(ImageU8 image, HistogramTable fill)
    {
        var lut = new byte[256 * image.Channels];
        var hist = Histograms(image);
        for (int c = 0; c < image.Channels; c++)
            fill(hist.AsSpan(c * 256, 256), lut.AsSpan(c * 256, 256));
        ApplyLut(image, lut);
    }

    /// <summary><c>ImageOps.invert(img)</c>: 255 - x.</summary>
    public static void Invert(ImageU8 image) => ApplyLut(image, Table(image.Channels, i => 255 - i));

    /// <summary><c>ImageOps.posterize(img, bits)</c>: keeps the <paramref name="bits"/> (0..8) high bits.</summary>
    public static void Posterize(ImageU8 image, int bits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bits, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, 8);
        int mask = ~((1 << (8 - bits)) - 1);
        ApplyLut(image, Table(image.Channels, i => i & mask));
    }

    /// <summary><c>ImageOps.solarize(img, threshold)</c>: x &gt;= <paramref name="threshold"/> is 255 - x.</summary>
    public static void Solarize(ImageU8 image, double threshold) =>
        ApplyLut(image, Table(image.Channels, i => i < threshold ? i : 255 - i));

    /// <summary>
    /// mmpretrain's <c>SolarizeAdd</c> (no Pillow op; its numpy formula): values below <paramref name="threshold"/>
    /// get <paramref name="magnitude"/> added, then <c>min(., 255)</c> and truncation to uint8.
    /// </summary>
    public static void SolarizeAdd(ImageU8 image, double magnitude, double threshold = 128) =>
        ApplyLut(image, Table(image.Channels, i => i < threshold ? (int)Math.Clamp(i + magnitude, 0, 255) : i));

    /// <summary>Per-channel 256-bin histograms, channel after channel.</summary>
    internal static long[] Histograms(ImageU8 image)
    {
        int c = image.Channels;
        var hist = new long[256 * c];
        var px = image.Pixels;
        if (c == 1)
            foreach (var v in px) hist[v]++;
        else
            for (int i = 0; i < px.Length; i += 3)
            {
                hist[px[i]]++;
                hist[256 + px[i + 1]]++;
                hist[512 + px[i + 2]]++;
            }
        return hist;
    }

    private static byte[] Table(int channels, Func<int, int> f)
    {
        var lut = new byte[256 * channels];
        for (int i = 0; i < 256; i++)
            for (int c = 0; c < channels; c++) lut[c * 256 + i] = (byte)f(i);
        return lut;
    }

    private static void ApplyLut(ImageU8 image, byte[] lut)
    {
        int c = image.Channels;
        var px = image.Pixels;
        if (c == 1)
            for (int i = 0; i < px.Length; i++) px[i] = lut[px[i]];
        else
            for (int i = 0; i < px.Length; i += 3)
            {
                px[i] = lut[px[i]];
                px[i + 1] = lut[256 + px[i + 1]];
                px[i + 2] = lut[512 + px[i + 2]];
            }
    }
}
