using ShuffleNet.Checkpoints;
using ShuffleNet.Vision.Decoding;
using SkiaSharp;

namespace ShuffleNet.Visualization;

/// <summary>What every picture of this namespace shares: the font, image conversion, the atomic PNG write.</summary>
internal static class Drawing
{
    /// <summary>The sans-serif family the pictures use (Debian's fonts-dejavu-core); Skia's default where it is
    /// missing.</summary>
    public const string FontFamily = "DejaVu Sans";

    public static readonly SKTypeface Typeface = SKTypeface.FromFamilyName(FontFamily) ?? SKTypeface.Default;

    public static SKFont Font(float size, bool bold = false) =>
        new(bold ? SKTypeface.FromFamilyName(FontFamily, SKFontStyle.Bold) ?? Typeface : Typeface, size);

    /// <summary>An RGB or grayscale <see cref="ImageU8"/> as an opaque Skia bitmap.</summary>
    public static SKBitmap ToBitmap(ImageU8 image)
    {
        var bitmap = new SKBitmap(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        var dst = bitmap.GetPixelSpan();
        var src = image.Pixels;
        for (int i = 0, n = image.Width * image.Height; i < n; i++)
        {
            bool gray = image.Channels == 1;
            dst[4 * i] = src[gray ? i : 3 * i];
            dst[4 * i + 1] = src[gray ? i : 3 * i + 1];
            dst[4 * i + 2] = src[gray ? i : 3 * i + 2];
            dst[4 * i + 3] = 255;
        }
        return bitmap;
    }

    /// <summary>Draws <paramref name="bitmap"/> scaled to fit <paramref name="box"/>, centred, aspect kept;
    /// small images (28x28) are scaled with nearest neighbours so their pixels stay visible.</summary>
    public static void DrawFitted(SKCanvas canvas, SKBitmap bitmap, SKRect box)
    {
        float scale = Math.Min(box.Width / bitmap.Width, box.Height / bitmap.Height);
        float w = bitmap.Width * scale, h = bitmap.Height * scale;
        var dest = SKRect.Create(box.MidX - w / 2, box.MidY - h / 2, w, h);
        var sampling = scale >= 3 ? new SKSamplingOptions(SKFilterMode.Nearest)
            : new SKSamplingOptions(SKCubicResampler.Mitchell);
        using var image = SKImage.FromBitmap(bitmap);
        canvas.DrawImage(image, dest, sampling);
    }

    /// <summary>Writes text clipped with an ellipsis to <paramref name="maxWidth"/>.</summary>
    public static void Text(SKCanvas canvas, string text, float x, float y, SKFont font, SKColor color, float maxWidth)
    {
        using var paint = new SKPaint { Color = color, IsAntialias = true };
        if (font.MeasureText(text) > maxWidth)
        {
            while (text.Length > 1 && font.MeasureText(text + "…") > maxWidth) text = text[..^1];
            text += "…";
        }
        canvas.DrawText(text, x, y, SKTextAlign.Left, font, paint);
    }

    /// <summary>Encodes <paramref name="surface"/> as PNG into <paramref name="path"/> via a temporary file.</summary>
    public static void SavePng(SKSurface surface, string path)
    {
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        WritePng(data.ToArray(), path);
    }

    /// <summary>Writes encoded PNG bytes to <paramref name="path"/> through a temporary file.</summary>
    public static void WritePng(byte[] png, string path) => AtomicFile.WriteBytes(path, png);
}
