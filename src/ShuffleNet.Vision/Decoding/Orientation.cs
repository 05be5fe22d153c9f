using SkiaSharp;

namespace ShuffleNet.Vision.Decoding;

/// <summary>Maps source pixels to their place in the upright image for the eight EXIF orientations.</summary>
internal readonly record struct Orientation(int Width, int Height, int Start, int StepX, int StepY)
{
    /// <summary>Destination pixel index of source (x, y) is <c>Start + x * StepX + y * StepY</c>.</summary>
    public static Orientation For(SKEncodedOrigin origin, int w, int h) => origin switch
    {
        SKEncodedOrigin.TopRight => new(w, h, w - 1, -1, w),                    // 2: mirror horizontally
        SKEncodedOrigin.BottomRight => new(w, h, w * h - 1, -1, -w),            // 3: rotate 180
        SKEncodedOrigin.BottomLeft => new(w, h, (h - 1) * w, 1, -w),            // 4: mirror vertically
        SKEncodedOrigin.LeftTop => new(h, w, 0, h, 1),                          // 5: transpose
        SKEncodedOrigin.RightTop => new(h, w, h - 1, h, -1),                    // 6: rotate 90 clockwise
        SKEncodedOrigin.RightBottom => new(h, w, w * h - 1, -h, -1),            // 7: transverse
        SKEncodedOrigin.LeftBottom => new(h, w, (w - 1) * h, -h, 1),            // 8: rotate 90 counter-clockwise
        _ => new(w, h, 0, 1, w),                                                // 1: as stored
    };

    /// <summary>True when the stored layout already is upright.</summary>
    public bool IsIdentity => StepX == 1 && StepY == Width && Start == 0;
}
