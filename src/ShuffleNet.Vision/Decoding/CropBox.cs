namespace ShuffleNet.Vision.Decoding;

/// <summary>
/// A crop rectangle in pixels: left <see cref="X"/>, top <see cref="Y"/>, size <see cref="Width"/> x
/// <see cref="Height"/>.
/// </summary>
public readonly record struct CropBox(int X, int Y, int Width, int Height)
{
    /// <summary>The whole of a <paramref name="width"/> x <paramref name="height"/> image.</summary>
    public static CropBox Full(int width, int height) => new(0, 0, width, height);

    /// <summary>
    /// True when the box lies inside a <paramref name="width"/> x <paramref name="height"/> image and is not empty.
    /// </summary>
    public bool FitsIn(int width, int height) =>
        X >= 0 && Y >= 0 && Width > 0 && Height > 0 && X + Width <= width && Y + Height <= height;

    /// <inheritdoc/>
    public override string ToString() => $"CropBox(x={X}, y={Y}, w={Width}, h={Height})";
}
