using System.Buffers;

namespace ShuffleNet.Vision.Decoding;

/// <summary>
/// An 8-bit image in HWC order: <see cref="Channels"/> is 3 (RGB) or 1 (grayscale), rows are packed
/// (stride = <c>Width * Channels</c>). The pixel buffer may be rented from <see cref="ArrayPool{T}.Shared"/>
/// and longer than needed; <see cref="Dispose"/> returns it, after which the image must not be used.
/// </summary>
public sealed class ImageU8 : IDisposable
{
    private byte[]? _data;
    private readonly bool _rented;

    private ImageU8(int width, int height, int channels, byte[] data, bool rented)
    {
        if (width <= 0 || height <= 0)
            throw new ArgumentOutOfRangeException(nameof(width), $"image size {width}x{height} must be positive");
        if (channels is not (1 or 3))
            throw new ArgumentOutOfRangeException(nameof(channels), $"channels must be 1 or 3, got {channels}");
        if (data.Length < (long)width * height * channels)
            throw new ArgumentException($"buffer of {data.Length} bytes is too small for {width}x{height}x{channels}",
                nameof(data));
        Width = width; Height = height; Channels = channels; _data = data; _rented = rented;
    }

    /// <summary>Rents a buffer for a new image; the contents are undefined until written.</summary>
    public static ImageU8 Rent(int width, int height, int channels = 3)
    {
        long size = (long)width * height * channels;
        if (width <= 0 || height <= 0 || size > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(width),
                $"cannot allocate a {width}x{height}x{channels} image");
        return new ImageU8(width, height, channels, ArrayPool<byte>.Shared.Rent((int)size), rented: true);
    }

    /// <summary>Wraps an existing HWC buffer (not copied, never returned to a pool).</summary>
    public static ImageU8 Wrap(byte[] data, int width, int height, int channels = 3) =>
        new(width, height, channels, data, rented: false);

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>3 for RGB, 1 for grayscale.</summary>
    public int Channels { get; }

    /// <summary>Bytes per row: <c>Width * Channels</c>.</summary>
    public int Stride => Width * Channels;

    /// <summary>The underlying buffer (may be longer than <see cref="Length"/>).</summary>
    public byte[] Data => _data ?? throw new ObjectDisposedException(nameof(ImageU8));

    /// <summary>Number of meaningful bytes: <c>Width * Height * Channels</c>.</summary>
    public int Length => Width * Height * Channels;

    /// <summary>The pixels, HWC, exactly <see cref="Length"/> bytes.</summary>
    public Span<byte> Pixels => Data.AsSpan(0, Length);

    /// <summary>One row of <see cref="Stride"/> bytes.</summary>
    public Span<byte> Row(int y) => Data.AsSpan(y * Stride, Stride);

    /// <summary>A copy of the pixels in a new exact-size array (for tests and interop).</summary>
    public byte[] ToArray() => Pixels.ToArray();

    /// <summary>A deep copy in a rented buffer.</summary>
    public ImageU8 Clone()
    {
        var copy = Rent(Width, Height, Channels);
        Pixels.CopyTo(copy.Pixels);
        return copy;
    }

    /// <inheritdoc/>
    public override string ToString() => $"ImageU8({Width}x{Height}x{Channels})";

    /// <summary>Returns a rented buffer to the pool; idempotent.</summary>
    public void Dispose()
    {
        var data = Interlocked.Exchange(ref _data, null);
        if (data is not null && _rented) ArrayPool<byte>.Shared.Return(data);
    }
}
