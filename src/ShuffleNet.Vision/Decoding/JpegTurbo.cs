using System.Runtime.InteropServices;
using System.Text;

namespace ShuffleNet.Vision.Decoding;

/// <summary>
/// JPEG decoding through the system's libjpeg-turbo (<c>libjpeg.so.62</c>, with its SIMD paths) and a small
/// C shim, <c>libshufflenet_jpeg.so</c> (<c>src/ShuffleNet.Vision/Native/sn_jpeg.c</c>, compiled at build time
/// where a C compiler and <c>jpeglib.h</c> exist: <c>tools/setup.sh</c> installs both).
/// </summary>
/// <remarks>
/// Why: SkiaSharp's bundled libjpeg-turbo is built without SIMD and decodes at about half Pillow's speed, while
/// Pillow links the same system library used here, so the pixels are Pillow's by construction. Where the shim
/// or the library is missing, or <c>SHUFFLENET_JPEG=skia</c> is set, <see cref="IsAvailable"/> is false and
/// <see cref="ImageDecoder"/> decodes everything with Skia (same pixels, slower).
/// </remarks>
public static unsafe class JpegTurbo
{
    private const string LibraryName = "libshufflenet_jpeg.so";
    private const int ExpectedAbi = 62;
    private const int MessageSize = 256; // JMSG_LENGTH_MAX is 200

    private static readonly delegate* unmanaged<byte*, nuint, int, int, int, int, byte*, byte*, int> DecodeRegionFn;

    static JpegTurbo()
    {
        if (Environment.GetEnvironmentVariable("SHUFFLENET_JPEG") is { } choice && choice.Equals("skia",
            StringComparison.OrdinalIgnoreCase))
        {
            Status = "off (SHUFFLENET_JPEG=skia)";
            return;
        }
        if (!TryLoad(out var handle, out var where))
        {
            Status = $"not found ({LibraryName} is built only where gcc and libjpeg62-turbo-dev exist; run " +
                "tools/setup.sh)";
            return;
        }
        try
        {
            var abi = (delegate* unmanaged<int>)NativeLibrary.GetExport(handle, "sn_jpeg_abi");
            int version = abi();
            if (version != ExpectedAbi)
            {
                Status = $"off ({where} was built for libjpeg ABI {version}, not {ExpectedAbi})";
                return;
            }
            DecodeRegionFn = (delegate* unmanaged<byte*, nuint, int, int, int, int, byte*, byte*, int>)
                NativeLibrary.GetExport(handle, "sn_jpeg_decode_region");
            Status = $"libjpeg-turbo (system, SIMD) via {where}";
        }
        catch (EntryPointNotFoundException e)
        {
            Status = $"off ({where}: {e.Message})";
        }
    }

    /// <summary>True when JPEGs are decoded with the system's libjpeg-turbo rather than Skia.</summary>
    public static bool IsAvailable => DecodeRegionFn != null;

    /// <summary>Which JPEG decoder is in use and why, for <c>shufflenet info</c> and benchmarks.</summary>
    public static string Status { get; } = "";

    /// <summary>Outcome of <see cref="TryDecode"/>.</summary>
    internal enum Result { Ok = 0, Unsupported = 1, Error = 2, Truncated = 3 }

    /// <summary>
    /// Decodes the rectangle (<paramref name="x"/>, <paramref name="y"/>, <paramref name="w"/>, <paramref name="h"/>)
    /// of the stored (not EXIF-rotated) image into packed RGB rows of <c>3 * w</c> bytes.
    /// <see cref="Result.Unsupported"/> (CMYK, YCCK) leaves the caller to use Skia.
    /// </summary>
    internal static Result TryDecode(ReadOnlySpan<byte> encoded, int x, int y, int w, int h, Span<byte> rgb,
        out string message)
    {
        if (!IsAvailable) throw new InvalidOperationException($"the libjpeg-turbo decoder is unavailable: {Status}");
        if (rgb.Length < (long)w * h * 3) throw new ArgumentException($"{rgb.Length} bytes cannot hold {w}x{h} RGB",
            nameof(rgb));
        byte* text = stackalloc byte[MessageSize];
        int code;
        fixed (byte* src = encoded)
        fixed (byte* dst = rgb)
            code = DecodeRegionFn(src, (nuint)encoded.Length, x, y, w, h, dst, text);
        var span = new ReadOnlySpan<byte>(text, MessageSize);
        int length = span.IndexOf((byte)0);
        message = Encoding.ASCII.GetString(length >= 0 ? span[..length] : span);
        return (Result)code;
    }

    // Next to this assembly first (build output, tool install), then the runtime's usual probing (NuGet's runtimes/
    // folders).
    private static bool TryLoad(out IntPtr handle, out string where)
    {
        var local = Path.Combine(AppContext.BaseDirectory, LibraryName);
        var beside = Path.Combine(Path.GetDirectoryName(typeof(JpegTurbo).Assembly.Location) ?? "", LibraryName);
        foreach (var path in new[] { beside, local })
            if (File.Exists(path) && NativeLibrary.TryLoad(path, out handle)) { where = path; return true; }
        where = LibraryName;
        return NativeLibrary.TryLoad(LibraryName, typeof(JpegTurbo).Assembly, DllImportSearchPath.AssemblyDirectory,
            out handle);
    }
}
