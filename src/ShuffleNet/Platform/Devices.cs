using static TorchSharp.torch;

namespace ShuffleNet.Platform;

/// <summary>
/// Parses <c>--device</c> values (<c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>) and checks that the device exists.
/// </summary>
public static class Devices
{
    /// <summary>The device <paramref name="text"/> names.</summary>
    /// <exception cref="ArgumentException">Not a device name, or CUDA asked for where this process has none (the
    /// message says how to get it).</exception>
    public static Device Parse(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t == "cpu") return CPU;
        if (t != "cuda" && !(t.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(t[5..], out var index)
            && index >= 0))
            throw new ArgumentException($"--device '{text}' is not a device; use cpu, cuda or cuda:N");
        TorchRuntime.EnsureLoaded();
        if (!cuda.is_available())
            throw new ArgumentException($"--device {text}: no CUDA device is available to this process. This build's " +
                "libtorch is CPU-only; " +
                "point LIBTORCH_PATH at a CUDA libtorch of the same version (for example PyTorch's own torch/lib) on " +
                    "a machine with an NVIDIA GPU.");
        var device = new Device(t);
        if (device.index >= cuda.device_count())
            throw new ArgumentException($"--device {text}: this machine has {cuda.device_count()} CUDA device(s)");
        return device;
    }
}
