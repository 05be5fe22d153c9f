using ShuffleNet.Vision.Decoding;
using SkiaSharp;

namespace ShuffleNet.Visualization;

/// <summary>
/// Draws a <see cref="CamResult"/> as a person reads it: the image the model saw, Grad-CAM and Grad-CAM++ laid over it
/// in the jet colours (red = most important; pytorch-grad-cam's <c>show_cam_on_image</c>: half heat map, half image),
/// and the top-k labels with their probabilities. Small inputs (28x28) are enlarged with nearest neighbours and the
/// maps are resized straight to the enlarged size, so the heat is smooth over visible pixels.
/// </summary>
public static class CamOverlay
{
    private const int Pad = 12, Header = 52, LineHeight = 18;

    /// <summary>The side at which an image of <paramref name="size"/> pixels is shown: itself from 200 on, else a whole
    /// multiple near 224.</summary>
    public static int DisplaySize(int size) => size >= 200 ? size : size * (int)Math.Ceiling(224.0 / size);

    /// <summary>
    /// <paramref name="view"/> (<c>[H, W]</c> RGB or gray, the model's input) with <paramref name="map"/>
    /// (<c>[mapHeight, mapWidth]</c>, 0..1) resized over it and blended half and half, at <see cref="DisplaySize"/>.
    /// </summary>
    public static SKBitmap Blend(ImageU8 view, IReadOnlyList<double> map, int mapHeight, int mapWidth)
    {
        int side = DisplaySize(Math.Max(view.Width, view.Height));
        int longest = Math.Max(view.Width, view.Height);
        int w = side * view.Width / longest, h = side * view.Height / longest;
        var heat = CamMaps.Resize(map, mapHeight, mapWidth, h, w);
        var jet = new ScottPlot.Colormaps.Jet();
        var bitmap = new SKBitmap(w, h, SKColorType.Rgba8888, SKAlphaType.Opaque);
        var dst = bitmap.GetPixelSpan();
        var src = view.Pixels;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int sy = y * view.Height / h, sx = x * view.Width / w, s = (sy * view.Width + sx) * view.Channels;
                var color = jet.GetColor(Math.Clamp(heat[y * w + x], 0, 1));
                int o = 4 * (y * w + x);
                dst[o] = Mix(color.R, src[s]);
                dst[o + 1] = Mix(color.G, src[view.Channels == 1 ? s : s + 1]);
                dst[o + 2] = Mix(color.B, src[view.Channels == 1 ? s : s + 2]);
                dst[o + 3] = 255;
            }
        return bitmap;
    }

    /// <summary>Writes the picture of one image into the PNG <paramref name="path"/> (atomically).</summary>
    /// <param name="path">The PNG to write.</param>
    /// <param name="view">The model's input as 8-bit pixels.</param>
    /// <param name="cam">The maps.</param>
    /// <param name="top">The top-k labels to print: class index, name, softmax probability (0-1).</param>
    /// <param name="title">The first line (the image's name).</param>
    /// <param name="subtitle">The second line (layer and explained class).</param>
    public static void Write(string path, ImageU8 view, CamResult cam,
        IReadOnlyList<(int Index, string Label, double Score)> top, string title, string subtitle)
    {
        using var plain = Drawing.ToBitmap(view);
        using var gradCam = Blend(view, cam.GradCam, cam.Height, cam.Width);
        using var plusPlus = Blend(view, cam.GradCamPlusPlus, cam.Height, cam.Width);
        int pw = gradCam.Width, ph = gradCam.Height;
        int width = Math.Max(4 * Pad + 3 * pw, 560), height = Header + ph + 26 + Pad + top.Count * LineHeight + Pad;
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var bold = Drawing.Font(15, bold: true);
        using var font = Drawing.Font(12);
        Drawing.Text(canvas, title, Pad, 22, bold, SKColors.Black, width - 2 * Pad);
        Drawing.Text(canvas, subtitle, Pad, 42, font, SKColors.DimGray, width - 2 * Pad);
        var panels = new[] { (plain, "input"), (gradCam, "Grad-CAM"), (plusPlus, "Grad-CAM++") };
        for (int i = 0; i < panels.Length; i++)
        {
            var box = SKRect.Create(Pad + i * (pw + Pad), Header, pw, ph);
            Drawing.DrawFitted(canvas, panels[i].Item1, box);
            Drawing.Text(canvas, panels[i].Item2, box.Left, box.Bottom + 17, font, SKColors.Black, pw);
        }
        float y = Header + ph + 26 + Pad + 4;
        for (int i = 0; i < top.Count; i++, y += LineHeight)
        {
            var t = top[i];
            var color = t.Index == cam.Class ? new SKColor(0xC6, 0x28, 0x28) : SKColors.Black;
            Drawing.Text(canvas, $"{i + 1}. {t.Score * 100,6:F2}%  {t.Label} ({t.Index})", Pad, y, font, color,
                width - 2 * Pad);
        }
        Drawing.SavePng(surface, path);
    }

    private static byte Mix(byte heat, byte pixel) => (byte)((heat + pixel + 1) / 2);
}
