using ShuffleNet.Vision.Decoding;
using SkiaSharp;

namespace ShuffleNet.Visualization;

/// <summary>One tile of a <see cref="MistakeGallery"/>.</summary>
/// <param name="Image">The image (the caller keeps ownership).</param>
/// <param name="Truth">The true class's name.</param>
/// <param name="Predicted">The predicted class's name.</param>
/// <param name="Confidence">The predicted class's probability, 0-1.</param>
/// <param name="Source">Where the image comes from (a file name, <c>t10k[17]</c>).</param>
public sealed record GalleryItem(ImageU8 Image, string Truth, string Predicted, float Confidence, string Source);

/// <summary>
/// A grid of misclassified images, as mmpretrain's <c>analyze_results.py</c> shows its failures: each tile the image,
/// its true label (green), the prediction with its probability (red) and where it comes from.
/// </summary>
public static class MistakeGallery
{
    private const int Tile = 200, ImageSide = 168, Caption = 58, Pad = 10, Header = 44;

    /// <summary>Draws <paramref name="items"/> (in the order given, up to 4 per row) into the PNG
    /// <paramref name="path"/>.</summary>
    public static void Write(IReadOnlyList<GalleryItem> items, string path, string title)
    {
        int columns = Math.Clamp(items.Count, 1, 4), rows = Math.Max(1, (items.Count + columns - 1) / columns);
        int width = Pad + columns * (Tile + Pad), height = Header + rows * (ImageSide + Caption + Pad) + Pad;
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var titleFont = Drawing.Font(17, bold: true);
        Drawing.Text(canvas, items.Count == 0 ? title + ": no mistakes" : title, Pad, 28, titleFont, SKColors.Black,
            width - 2 * Pad);
        using var font = Drawing.Font(12);
        using var small = Drawing.Font(10);
        using var frame = new SKPaint { Color = new SKColor(0xDD, 0xDD, 0xDD), Style = SKPaintStyle.Stroke };
        for (int i = 0; i < items.Count; i++)
        {
            var item = items[i];
            float x = Pad + i % columns * (Tile + Pad), y = Header + i / columns * (ImageSide + Caption + Pad);
            var box = SKRect.Create(x + (Tile - ImageSide) / 2f, y, ImageSide, ImageSide);
            canvas.DrawRect(box, frame);
            using (var bitmap = Drawing.ToBitmap(item.Image)) Drawing.DrawFitted(canvas, bitmap, box);
            float ty = y + ImageSide + 15;
            Drawing.Text(canvas, $"true: {item.Truth}", x, ty, font, new SKColor(0x1B, 0x7F, 0x2A), Tile);
            Drawing.Text(canvas, $"pred: {item.Predicted} ({item.Confidence * 100:F1}%)", x, ty + 16, font,
                new SKColor(0xC6, 0x28, 0x28), Tile);
            Drawing.Text(canvas, item.Source, x, ty + 31, small, SKColors.Gray, Tile);
        }
        Drawing.SavePng(surface, path);
    }
}
