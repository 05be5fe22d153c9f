namespace ShuffleNet.Vision.Decoding;

/// <summary>Limits and choices for <see cref="ImageDecoder"/>.</summary>
public sealed record DecoderOptions
{
    /// <summary>
    /// Pillow's <c>Image.MAX_IMAGE_PIXELS</c> (about a quarter gigapixel of RGBA): the same guard a PyTorch user gets.
    /// </summary>
    public const long PillowMaxPixels = 178_956_970;

    /// <summary>Images whose header claims more pixels than this are refused before any pixel is decoded.</summary>
    public long MaxPixels { get; init; } = PillowMaxPixels;

    /// <summary>
    /// Apply the EXIF orientation tag, as OpenCV's <c>imread(IMREAD_COLOR)</c> and mmcv do (default true).
    /// </summary>
    public bool ApplyExifOrientation { get; init; } = true;

    /// <summary>
    /// Decode upright YCbCr, gray and RGB JPEGs with the system's SIMD libjpeg-turbo when
    /// <see cref="JpegTurbo.IsAvailable"/> (default true): the decoder Pillow uses, so the same pixels as Skia's, about
    /// twice as fast. False always uses Skia.
    /// </summary>
    public bool UseSystemJpeg { get; init; } = true;

    /// <summary>The defaults.</summary>
    public static DecoderOptions Default { get; } = new();
}
