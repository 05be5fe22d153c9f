using System.Runtime.InteropServices;

namespace ShuffleNet.Platform;

/// <summary>
/// Keeps glibc's malloc from returning libtorch's large activation buffers to the OS after every step.
/// libtorch frees and re-requests the same large blocks each iteration; glibc serves blocks over its mmap
/// threshold with fresh <c>mmap</c>s and trims the heap top on free, so every step pays page faults and
/// zeroing (high <c>sys</c> time). Raising both thresholds keeps the memory in the process.
/// </summary>
public static class Allocator
{
    private const int M_TRIM_THRESHOLD = -1, M_MMAP_THRESHOLD = -3;

    /// <summary>glibc's upper bound for the mmap threshold on 64-bit (<c>DEFAULT_MMAP_THRESHOLD_MAX</c>).</summary>
    private const int MaxMmapThreshold = 32 * 1024 * 1024;

    /// <summary>
    /// What <see cref="Configure"/> did: <c>mallopt</c>, <c>preloaded: NAME</c> (another allocator is in use),
    /// <c>environment</c> (the user set glibc's variables), glibc defaults, or <c>unavailable</c>.
    /// </summary>
    public static string Mode { get; private set; } = "not configured";

    /// <summary>
    /// Applies the thresholds unless the user chose otherwise (an <c>LD_PRELOAD</c>ed allocator, <c>MALLOC_*_</c>
    /// variables, or <c>SHUFFLENET_MALLOPT=0</c>, which keeps glibc's defaults for comparison).
    /// </summary>
    public static void Configure()
    {
        if (!OperatingSystem.IsLinux()) { Mode = "unavailable"; return; }
        if (Environment.GetEnvironmentVariable("SHUFFLENET_MALLOPT") == "0") { Mode = "glibc defaults " +
            "(SHUFFLENET_MALLOPT=0)"; return; }
        var preload = Environment.GetEnvironmentVariable("LD_PRELOAD") ?? "";
        if (preload.Contains("malloc", StringComparison.Ordinal)) { Mode = "preloaded: "
            + Path.GetFileName(preload.Split(':', ' ')[0]); return; }
        if (Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is not null
            || Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_") is not null)
        { Mode = "environment"; return; }
        try
        {
            bool ok = mallopt(M_MMAP_THRESHOLD, MaxMmapThreshold) == 1 & mallopt(M_TRIM_THRESHOLD, int.MaxValue) == 1;
            Mode = ok ? "mallopt" : "unavailable";
        }
        catch (EntryPointNotFoundException) { Mode = "unavailable"; } // not glibc (musl)
        catch (DllNotFoundException) { Mode = "unavailable"; }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int mallopt(int param, int value);
}
