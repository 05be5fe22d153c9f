using System.Buffers;
using SkiaSharp;

namespace ShuffleNet.Vision.Decoding;

/// <summary>
/// Decodes JPEG, PNG, BMP, WebP and GIF (first frame) with SkiaSharp into 8-bit RGB <see cref="ImageU8"/> (upright
/// YCbCr/gray JPEGs with the system's libjpeg-turbo when <see cref="JpegTurbo.IsAvailable"/>: same pixels, faster), the
/// way OpenCV's <c>imread(IMREAD_COLOR)</c> does: gray and palette expanded to RGB, alpha dropped (never
/// premultiplied), 16-bit reduced to 8, CMYK converted, EXIF orientation applied. Thread-safe: every call creates its
/// own codec.
/// </summary>
public sealed class ImageDecoder
{
    /// <summary>A decoder with <see cref="DecoderOptions.Default"/>.</summary>
    public static ImageDecoder Default { get; } = new(DecoderOptions.Default);

    /// <summary>Creates a decoder with the given limits.</summary>
    public ImageDecoder(DecoderOptions options) => Options = options;

    /// <summary>The limits this decoder applies.</summary>
    public DecoderOptions Options { get; }

    /// <summary>Decodes the file at <paramref name="path"/>.</summary>
    /// <exception cref="ImageDecodeException">The file is missing, empty, not an image, too large or
    /// damaged.</exception>
    public ImageU8 Decode(string path) => Decode(ReadFile(path), path);

    /// <summary>
    /// Reads an image file whole, as many bytes as the file system says it holds: a FIFO or a device (which report 0
    /// bytes) is refused before it is opened, so <c>/dev/zero</c> cannot fill memory nor a pipe block the caller.
    /// </summary>
    /// <exception cref="ImageDecodeException">Missing, unreadable, empty or not a regular file.</exception>
    internal static byte[] ReadFile(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (info.Exists && info.Length == 0)
                throw new ImageDecodeException(path, ImageDecodeError.Empty,
                    "the file is empty (0 bytes), or is a device or pipe rather than a file");
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1,
                FileOptions.SequentialScan);
            if (stream.Length > Array.MaxLength)
                throw new ImageDecodeException(path, ImageDecodeError.TooManyPixels,
                    $"the file is {stream.Length:N0} bytes, more than one buffer holds");
            var bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            return bytes;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageDecodeException(path, ImageDecodeError.Unreadable, e.Message, e);
        }
    }

    /// <summary>
    /// Decodes an encoded image read to the end of <paramref name="stream"/>; <paramref name="name"/> appears in
    /// errors.
    /// </summary>
    public ImageU8 Decode(Stream stream, string name = "<stream>")
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return Decode(copy.GetBuffer().AsSpan(0, (int)copy.Length), name);
    }

    /// <summary>Decodes an encoded image held in memory; <paramref name="name"/> appears in errors.</summary>
    public ImageU8 Decode(ReadOnlySpan<byte> encoded, string name = "<bytes>")
    {
        using var codec = OpenCodec(encoded, name);
        return TryTurbo(encoded, codec, new CropBox(0, 0, codec.Info.Width, codec.Info.Height), name)
            ?? DecodeCodec(codec, name);
    }

    /// <summary>Reads only the header: the upright (EXIF-oriented) width and height.</summary>
    public (int Width, int Height) ReadSize(ReadOnlySpan<byte> encoded, string name = "<bytes>")
    {
        using var codec = OpenCodec(encoded, name);
        var o = Orientation.For(Options.ApplyExifOrientation ? codec.EncodedOrigin : SKEncodedOrigin.TopLeft,
            codec.Info.Width, codec.Info.Height);
        return (o.Width, o.Height);
    }

    /// <summary>
    /// Decodes only the part of the upright image that <paramref name="chooseBox"/> picks from the upright
    /// (width, height): a JPEG is decoded just over that rectangle (byte-exact with the system libjpeg-turbo; with
    /// Skia's fallback the crop's side edges may differ slightly; see <c>Pipeline.RunEncoded</c>); other formats and
    /// EXIF-rotated files are decoded whole and cropped. Returns the crop and the box that was chosen.
    /// </summary>
    public (ImageU8 Image, CropBox Box) DecodeRegion(ReadOnlySpan<byte> encoded, Func<int, int, CropBox> chooseBox,
        string name = "<bytes>")
    {
        using var codec = OpenCodec(encoded, name);
        var o = Orientation.For(Options.ApplyExifOrientation ? codec.EncodedOrigin : SKEncodedOrigin.TopLeft,
            codec.Info.Width, codec.Info.Height);
        var box = chooseBox(o.Width, o.Height);
        if (!box.FitsIn(o.Width, o.Height))
            throw new ArgumentOutOfRangeException(nameof(chooseBox), $"{box} does not fit in {o.Width}x{o.Height}");
        if (TryTurbo(encoded, codec, box, name) is { } fast) return (fast, box);
        if ((!Options.ApplyExifOrientation || o.IsIdentity)
            && RegionDecoder.TryDecode(codec, box.X, box.Y, box.Width, box.Height, name) is { } region)
            return (region, box);
        using var whole = DecodeCodec(codec, name);
        return (PixelCopy.Crop(whole, box), box);
    }

    // The system's SIMD libjpeg-turbo for upright JPEGs in YCbCr, gray or RGB (Pillow's decoder, so Pillow's pixels);
    // null sends the caller to Skia (no shim, CMYK/YCCK, an EXIF rotation to apply).
    private ImageU8? TryTurbo(ReadOnlySpan<byte> encoded, SKCodec codec, CropBox box, string name)
    {
        if (!Options.UseSystemJpeg || !JpegTurbo.IsAvailable
            || codec.EncodedFormat != SKEncodedImageFormat.Jpeg) return null;
        if (Options.ApplyExifOrientation && codec.EncodedOrigin != SKEncodedOrigin.TopLeft) return null;
        if (!JpegMarkers.ReachesEndOfImage(encoded))
            throw new ImageDecodeException(name, ImageDecodeError.Truncated,
                "the data ends early (truncated file): no end-of-image marker after the compressed data");
        var image = ImageU8.Rent(box.Width, box.Height);
        var result = JpegTurbo.TryDecode(encoded, box.X, box.Y, box.Width, box.Height, image.Data, out var message);
        if (result == JpegTurbo.Result.Ok) return image;
        image.Dispose();
        return result switch
        {
            JpegTurbo.Result.Unsupported => null,
            JpegTurbo.Result.Truncated => throw new ImageDecodeException(name, ImageDecodeError.Truncated,
                $"the data ends early (truncated file): libjpeg says {message}"),
            _ => throw new ImageDecodeException(name, ImageDecodeError.Damaged,
                $"the compressed data is damaged (libjpeg says {message})"),
        };
    }

    private SKCodec OpenCodec(ReadOnlySpan<byte> encoded, string name)
    {
        if (encoded.Length == 0) throw new ImageDecodeException(name, ImageDecodeError.Empty,
            "the file is empty (0 bytes)");
        // Skia takes ownership of the stream (and frees it itself when it fails), which holds its own
        // reference to the copied bytes: the stream must not be disposed here.
        using var data = SKData.CreateCopy(encoded);
        var codec = SKCodec.Create(new SKMemoryStream(data), out var result);
        if (codec is null && result == SKCodecResult.IncompleteInput)
            throw new ImageDecodeException(name, ImageDecodeError.Truncated,
                "the data ends early (truncated file): the header is incomplete");
        if (codec is null)
        {
            throw new ImageDecodeException(name, ImageDecodeError.NotAnImage,
                $"not a recognized image (JPEG, PNG, BMP, WebP, GIF): Skia says {result}; the first bytes are " +
                    $"{Preview(encoded)}");
        }
        var info = codec.Info;
        long pixels = (long)info.Width * info.Height;
        if (pixels > Options.MaxPixels)
        {
            codec.Dispose();
            throw new ImageDecodeException(name, ImageDecodeError.TooManyPixels,
                $"the header claims {info.Width}x{info.Height} = {pixels:N0} pixels, above the limit of " +
                $"{Options.MaxPixels:N0} (a guard against decompression bombs; raise DecoderOptions.MaxPixels if the " +
                    "image is genuine)");
        }
        return codec;
    }

    private ImageU8 DecodeCodec(SKCodec codec, string name)
    {
        int w = codec.Info.Width, h = codec.Info.Height;
        // Unpremul: OpenCV and Pillow drop alpha from the stored colour, they never multiply by it.
        // No colour space: no ICC or gamma conversion, as OpenCV and Pillow do not convert either.
        // 16-bit PNGs: Skia offers 8-bit or half floats, no 16-bit integers; its 8-bit conversion matched
        // OpenCV's high byte on the test files (tests allow 1 of difference).
        var info = new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        const int bytesPerPixel = 4;
        if ((long)w * h * bytesPerPixel > Array.MaxLength)
            throw new ImageDecodeException(name, ImageDecodeError.TooManyPixels,
                $"{w}x{h} RGBA does not fit in one buffer; lower DecoderOptions.MaxPixels");
        byte[] raw = ArrayPool<byte>.Shared.Rent(w * h * bytesPerPixel);
        try
        {
            SKCodecResult result;
            unsafe
            {
                fixed (byte* p = raw) result = codec.GetPixels(info, (IntPtr)p, w * bytesPerPixel,
                    new SKCodecOptions(0));
            }
            if (result != SKCodecResult.Success)
                throw result == SKCodecResult.IncompleteInput
                    ? new ImageDecodeException(name, ImageDecodeError.Truncated,
                        "the data ends early (truncated file): Skia decoded only part of the image")
                    : new ImageDecodeException(name, ImageDecodeError.Damaged,
                        $"the compressed data is damaged (Skia says {result})");
            var o = Orientation.For(Options.ApplyExifOrientation ? codec.EncodedOrigin : SKEncodedOrigin.TopLeft, w, h);
            var image = ImageU8.Rent(o.Width, o.Height);
            PixelCopy.ToRgb(raw, w, h, image.Data, o);
            return image;
        }
        finally { ArrayPool<byte>.Shared.Return(raw); }
    }

    private static string Preview(ReadOnlySpan<byte> b)
    {
        var head = b[..Math.Min(8, b.Length)];
        bool text = true;
        foreach (var c in head) text &= c is >= 0x20 and < 0x7F or (byte)'\n' or (byte)'\r' or (byte)'\t';
        return text
            ? $"\"{System.Text.Encoding.ASCII.GetString(head).ReplaceLineEndings(" ")}\" (text?)"
            : Convert.ToHexString(head);
    }
}
