using System.CommandLine;
using ShuffleNet.Onnx.Runtime;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace ShuffleNet.Cli.Experiments;

/// <summary>A prepared model call on one backend; disposing releases the session or module.</summary>
internal sealed class Runner(Action call, IDisposable owned) : IDisposable
{
    public Action Call { get; } = call;
    public void Dispose() => owned.Dispose();
}
