using System.CommandLine;
using ShuffleNet.Cli.Commands;
using ShuffleNet.Onnx.Runtime;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace ShuffleNet.Cli.Experiments;

/// <summary>What the results depend on: CPU, cores, threads, load.</summary>
internal static class Machine
{
    public static double LoadAverage() =>
        File.Exists("/proc/loadavg") ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0],
            System.Globalization.CultureInfo.InvariantCulture) : double.NaN;

    public static string Describe(Backend backend)
    {
        string cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':', 2)[1].Trim()
                ?? "unknown CPU"
            : "unknown CPU";
        string threads = backend == Backend.Torch ? $"{torch.get_num_threads()} torch threads"
            : $"{new OrtOptions().Threads} ORT threads";
        return $"{cpu}, {Environment.ProcessorCount} logical cores, {threads}";
    }
}
