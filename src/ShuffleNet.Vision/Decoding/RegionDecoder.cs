using System.Buffers;
using SkiaSharp;

namespace ShuffleNet.Vision.Decoding;

/// <summary>
/// The fallback when <see cref="JpegTurbo"/> is unavailable: decodes only a rectangle of a JPEG with Skia's scanline
/// decoder. libjpeg-turbo crops columns to whole iMCUs (<c>jpeg_crop_scanline</c>), skips the rows above without colour
/// conversion and stops after the last row. Only for training augmentation, where exactness is irrelevant: fancy
/// upsampling treats the cropped side edges as image edges, so the crop's outer columns may differ slightly from a
/// full decode (<see cref="JpegTurbo"/> widens the crop to avoid that). The eval pipeline never takes this path.
/// </summary>
internal static class RegionDecoder
{
    /// <summary>Decodes the rectangle (stored coordinates) or returns null when the codec cannot do it.</summary>
    public static ImageU8? TryDecode(SKCodec codec, int x, int y, int w, int h, string name)
    {
        if (codec.EncodedFormat != SKEncodedImageFormat.Jpeg
            || codec.EncodedOrigin != SKEncodedOrigin.TopLeft) return null;
        int fullW = codec.Info.Width, fullH = codec.Info.Height;
        var info = new SKImageInfo(fullW, fullH, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var options = new SKCodecOptions(new SKRectI(x, 0, x + w, fullH));
        if (codec.StartScanlineDecode(info, options) != SKCodecResult.Success) return null;
        byte[] raw = ArrayPool<byte>.Shared.Rent(w * h * 4);
        try
        {
            if (y > 0 && !codec.SkipScanlines(y))
                throw new ImageDecodeException(name, ImageDecodeError.Truncated,
                    "the data ends early (truncated file): Skia could not reach the crop");
            int lines;
            unsafe { fixed (byte* p = raw) lines = codec.GetScanlines((IntPtr)p, h, w * 4); }
            if (lines != h)
                throw new ImageDecodeException(name, ImageDecodeError.Truncated,
                    $"the data ends early (truncated file): Skia decoded {lines} of {h} rows of the crop");
            var image = ImageU8.Rent(w, h);
            PixelCopy.ToRgb(raw, w, h, image.Data, Orientation.For(SKEncodedOrigin.TopLeft, w, h));
            return image;
        }
        finally { ArrayPool<byte>.Shared.Return(raw); }
    }
}
