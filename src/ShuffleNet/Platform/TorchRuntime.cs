using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ShuffleNet.Platform;

/// <summary>
/// Loads libtorch and TorchSharp's native shim from TorchSharp's own folder (or <c>LIBTORCH_PATH</c>), so a
/// system libtorch (Debian's <c>libtorch-dev</c>) or <c>LD_LIBRARY_PATH</c> can never win, and repairs the
/// shim for Debian 12 when, and only when, the dynamic loader refuses it. Runs once, automatically, the
/// first time anything in this library is used.
/// </summary>
public static class TorchRuntime
{
    /// <summary>
    /// The version TorchSharp 0.107's shim asks for and never uses (see <see cref="ElfVersionNeeds"/>).
    /// </summary>
    public const string UnusedGlibcxxVersion = "GLIBCXX_3.4.32";

    private static readonly object Gate = new();
    private static bool _loaded;

    /// <summary>Whether this process had to patch the shim (for diagnostics and <c>shufflenet info</c>).</summary>
    public static bool PatchedShim { get; private set; }

    /// <summary>The folder libtorch was loaded from.</summary>
    public static string? LibTorchDirectory { get; private set; }

#pragma warning disable CA2255 // a library initializer is the point: users of the library need no set-up call
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize() => EnsureLoaded();

    /// <summary>Configures the allocator and loads the native libraries; idempotent and thread-safe.</summary>
    /// <exception cref="DllNotFoundException">libtorch or the shim cannot be loaded; the message says why.</exception>
    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (_loaded) return;
            Allocator.Configure();
            var shimDir = Path.GetDirectoryName(typeof(TorchSharp.torch).Assembly.Location)!;
            var libDir = Environment.GetEnvironmentVariable("LIBTORCH_PATH") is { Length: > 0 } env ? env : shimDir;
            // load by full path: the shim's NEEDED entries then bind to these by soname, not to whatever the search
            // path finds the CUDA parts exist only in a CUDA libtorch (LIBTORCH_PATH): loading them lets TorchSharp
            // find CUDA
            foreach (var lib in new[] { "libc10.so", "libc10_cuda.so", "libtorch_cpu.so", "libtorch_cuda.so",
                "libtorch.so" })
            {
                var path = Path.Combine(libDir, lib);
                if (!File.Exists(path)) continue;
                var handle = NativeLibrary.Load(path);
                if (lib == "libc10.so") QuietLogging(handle);
            }
            LibTorchDirectory = libDir;
            var shim = Path.Combine(shimDir, "libLibTorchSharp.so");
            if (File.Exists(shim)) LoadShim(shim);
            _loaded = true;
        }
    }

    /// <summary>
    /// libtorch logs through c10 at WARNING by default, and some of its warnings are about the machine, not the
    /// user's input: on CPUs NNPACK does not know (AMD Zen 5) every convolution prints "Could not initialize
    /// NNPACK! Reason: Unsupported hardware." on stderr. Only errors are logged unless <c>TORCH_CPP_LOG_LEVEL</c>
    /// asks otherwise; c10 itself reads that variable only when PyTorch's Python bindings start it.
    /// </summary>
    private static void QuietLogging(IntPtr c10)
    {
        if (!NativeLibrary.TryGetExport(c10, "FLAGS_caffe2_log_level", out var flag)) return;
        Marshal.WriteInt32(flag, CppLogLevel(Environment.GetEnvironmentVariable("TORCH_CPP_LOG_LEVEL")));
    }

    /// <summary>
    /// c10's severity for a <c>TORCH_CPP_LOG_LEVEL</c> setting (INFO 0, WARNING 1, ERROR 2, FATAL 3); ERROR when
    /// unset or unknown.
    /// </summary>
    public static int CppLogLevel(string? setting) => setting?.Trim().ToUpperInvariant() switch
    {
        "0" or "INFO" => 0,
        "1" or "WARNING" => 1,
        "3" or "FATAL" => 3,
        _ => 2,
    };

    private static void LoadShim(string shim)
    {
        try
        {
            NativeLibrary.Load(shim);
        }
        catch (DllNotFoundException e) when (e.Message.Contains(UnusedGlibcxxVersion, StringComparison.Ordinal))
        {
            MarkUnusedVersionWeak(shim);
            PatchedShim = true;
            NativeLibrary.Load(shim);
        }
    }

    /// <summary>
    /// Rewrites <paramref name="shim"/> with its <see cref="UnusedGlibcxxVersion"/> requirement marked weak:
    /// written beside it and renamed over it, so a crash never leaves half a library.
    /// </summary>
    /// <returns>Whether the file changed.</returns>
    public static bool MarkUnusedVersionWeak(string shim)
    {
        var bytes = File.ReadAllBytes(shim);
        if (!ElfVersionNeeds.MarkWeak(bytes, UnusedGlibcxxVersion)) return false;
        var temp = shim + $".{Environment.ProcessId}.tmp";
        try
        {
            File.WriteAllBytes(temp, bytes);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, File.GetUnixFileMode(shim));
            File.Move(temp, shim, overwrite: true);
        }
        catch (UnauthorizedAccessException e)
        {
            File.Delete(temp);
            throw new DllNotFoundException(
                $"TorchSharp's native shim '{shim}' needs a one-time fix for this system's libstdc++ " +
                    $"({UnusedGlibcxxVersion} marked weak), " +
                "but its folder is not writable. Run once as a user who can write it.", e);
        }
        return true;
    }
}
