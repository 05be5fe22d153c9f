namespace ShuffleNet.Vision.Decoding;

/// <summary>Packed RGBA8888 to oriented RGB, and crops.</summary>
internal static class PixelCopy
{
    /// <summary>
    /// Copies the RGB of each RGBA pixel of a <paramref name="w"/> x <paramref name="h"/> buffer to its oriented place
    /// in <paramref name="rgb"/>.
    /// </summary>
    public static unsafe void ToRgb(byte[] rgba, int w, int h, byte[] rgb, Orientation o)
    {
        fixed (byte* s0 = rgba)
        fixed (byte* d0 = rgb)
        {
            if (o.IsIdentity)
            {
                byte* s = s0, d = d0, end = s0 + (long)w * h * 4;
                for (; s < end; s += 4, d += 3) { d[0] = s[0]; d[1] = s[1]; d[2] = s[2]; }
                return;
            }
            for (int y = 0; y < h; y++)
            {
                byte* s = s0 + (long)y * w * 4;
                long di = o.Start + (long)y * o.StepY;
                for (int x = 0; x < w; x++, s += 4, di += o.StepX)
                {
                    byte* d = d0 + di * 3;
                    d[0] = s[0]; d[1] = s[1]; d[2] = s[2];
                }
            }
        }
    }

    /// <summary>Copies <paramref name="region"/> into a new image.</summary>
    public static ImageU8 Crop(ImageU8 src, CropBox region)
    {
        if (!region.FitsIn(src.Width, src.Height))
            throw new ArgumentOutOfRangeException(nameof(region), $"{region} does not fit in {src}");
        int c = src.Channels;
        var output = ImageU8.Rent(region.Width, region.Height, c);
        for (int y = 0; y < region.Height; y++)
            src.Data.AsSpan((region.Y + y) * src.Stride + region.X * c, region.Width * c).CopyTo(output.Row(y));
        return output;
    }
}
