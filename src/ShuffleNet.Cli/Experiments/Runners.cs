using System.CommandLine;
using ShuffleNet.Cli.Commands;
using ShuffleNet.Experiments;
using ShuffleNet.Onnx.Experiments;
using ShuffleNet.Onnx.Runtime;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace ShuffleNet.Cli.Experiments;

/// <summary>
/// Builds runners for either backend and times them with <see cref="LatencyBenchmark"/>, interleaved.
/// </summary>
internal static class Runners
{
    /// <summary>Creates every runner, measures them interleaved, disposes them; results in order.</summary>
    public static IReadOnlyList<LatencyResult> Measure(LatencyBenchmark bench, int batch, IReadOnlyList<(string Name,
        Func<Runner> Create)> cases)
    {
        var runners = new List<Runner>();
        try
        {
            foreach (var (_, create) in cases) runners.Add(create());
            return bench.MeasureInterleaved(batch, cases.Select((c, i) => (c.Name, runners[i].Call)).ToList());
        }
        finally
        {
            foreach (var r in runners) r.Dispose();
        }
    }

    public static Runner ForGraph(NetGraph graph, Backend backend, int batch) => backend == Backend.Ort
        ? Ort(ToOnnx(graph), batch)
        : Torch(new GraphNetwork(graph), graph.ShapeOf(0), batch);

    /// <summary>A TorchSharp module called under <c>no_grad</c> on one random input tensor made once.</summary>
    public static Runner Torch(nn.Module<Tensor, Tensor> module, long[] imageShape, int batch)
    {
        module.eval();
        var input = randn([batch, .. imageShape]);
        return new Runner(() =>
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            module.call(input);
        }, new Owned(module, input));
    }

    /// <summary>An ONNX model on <see cref="OrtClassifier"/> (the project's session settings), random input.</summary>
    public static Runner Ort(byte[] onnx, int batch)
    {
        var session = OrtClassifier.FromBytes(onnx);
        var input = new float[batch * session.ImageSize];
        var rng = new Random(0);
        for (int i = 0; i < input.Length; i++) input[i] = rng.NextSingle() * 2 - 1;
        var output = new float[batch * session.NumClasses];
        return new Runner(() => session.Run(input, batch, output), session);
    }

    /// <summary>The graph as ONNX: one operator per node, the weights as they are.</summary>
    public static byte[] ToOnnx(NetGraph graph)
    {
        var s = graph.ShapeOf(0);
        var w = new OnnxNetworkWriter(graph.Name, s[0], s[1], s[2]);
        var v = new string[graph.Nodes.Count];
        v[0] = w.Input;
        for (int i = 1; i < v.Length; i++)
        {
            var n = graph.Nodes[i];
            string a = v[n.Inputs[0]];
            long inC = graph.ShapeOf(n.Inputs[0])[0];
            v[i] = n.Kind switch
            {
                OpKind.Conv => w.Conv(a, n.Weight!, n.Bias, (int)n.Shape[0], (int)(inC / n.Groups), n.Kernel, n.Stride,
                    n.Padding, n.Groups),
                OpKind.Relu => w.Relu(a),
                OpKind.Relu6 => w.Relu6(a),
                OpKind.Add => w.Add(a, v[n.Inputs[1]]),
                OpKind.Concat => w.Concat(n.Inputs.Select(j => v[j]).ToArray()),
                OpKind.Shuffle => w.ChannelShuffle(a, n.Groups, n.Shape[0]),
                OpKind.MaxPool => w.MaxPool(a, n.Kernel, n.Stride, n.Padding),
                OpKind.AvgPool => w.AveragePool(a, n.Kernel, n.Stride, n.Padding),
                OpKind.GlobalPool => w.GlobalAveragePool(a),
                OpKind.Linear => w.Linear(a, n.Weight!, n.Bias!, (int)n.Shape[0], (int)inC),
                _ => throw new NotSupportedException(n.Kind.ToString()),
            };
        }
        return w.ToBytes(v[^1], graph.Nodes[^1].Shape);
    }

    private sealed class Owned(params IDisposable[] items) : IDisposable
    {
        public void Dispose() { foreach (var i in items) i.Dispose(); }
    }
}
