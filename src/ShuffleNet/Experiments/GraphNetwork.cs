using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ShuffleNet.Experiments;

/// <summary>
/// A <see cref="NetGraph"/> as a TorchSharp module, with the graph's weights: input <c>[N, C, H, W]</c> float32,
/// output the last node's value (<c>[N, C, H, W]</c> or <c>[N, C]</c>). Built in eval mode for inference timing.
/// </summary>
public sealed class GraphNetwork : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<nn.Module<Tensor, Tensor>> layers = new();
    private readonly GraphNode[] _nodes;
    private readonly int[] _layerOf;
    private readonly bool[] _inPlace;

    /// <summary>Builds the module for <paramref name="graph"/>.</summary>
    public GraphNetwork(NetGraph graph) : base(graph.Name)
    {
        _nodes = [.. graph.Nodes];
        _layerOf = new int[_nodes.Length];
        var consumers = new int[_nodes.Length];
        foreach (var n in _nodes) foreach (var i in n.Inputs) consumers[i]++;
        // ReLU in place (as ConvModule does) where nothing else reads its input: the same memory traffic ORT plans
        _inPlace = _nodes.Select(n => n.Kind is OpKind.Relu or OpKind.Relu6 && n.Inputs[0] != 0
            && consumers[n.Inputs[0]] == 1).ToArray();
        using var _ = no_grad();
        for (int id = 0; id < _nodes.Length; id++)
        {
            var n = _nodes[id];
            _layerOf[id] = -1;
            if (n.Kind == OpKind.Conv)
            {
                long inChannels = _nodes[n.Inputs[0]].Shape[0];
                var conv = nn.Conv2d(inChannels, n.Shape[0], n.Kernel, stride: n.Stride, padding: n.Padding,
                    groups: n.Groups, bias: n.Bias is not null);
                Copy(conv.weight!, n.Weight!);
                if (n.Bias is not null) Copy(conv.bias!, n.Bias);
                _layerOf[id] = Register(conv);
            }
            else if (n.Kind == OpKind.Linear)
            {
                var fc = nn.Linear(_nodes[n.Inputs[0]].Shape[0], n.Shape[0]);
                Copy(fc.weight, n.Weight!);
                Copy(fc.bias!, n.Bias!);
                _layerOf[id] = Register(fc);
            }
        }
        RegisterComponents();
        eval();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        var v = new Tensor[_nodes.Length];
        v[0] = x;
        for (int id = 1; id < _nodes.Length; id++)
        {
            var n = _nodes[id];
            var a = v[n.Inputs[0]];
            v[id] = n.Kind switch
            {
                OpKind.Conv or OpKind.Linear => layers[_layerOf[id]].call(a),
                OpKind.Relu => _inPlace[id] ? a.relu_() : a.relu(),
                OpKind.Relu6 => _inPlace[id] ? a.clamp_(0, 6) : a.clamp(0, 6),
                OpKind.Add => a + v[n.Inputs[1]],
                OpKind.Concat => cat(n.Inputs.Select(i => v[i]).ToArray(), 1),
                OpKind.Shuffle => Shuffle(a, n.Groups),
                OpKind.MaxPool => nn.functional.max_pool2d(a, n.Kernel, n.Stride, n.Padding),
                OpKind.AvgPool => nn.functional.avg_pool2d(a, n.Kernel, n.Stride, n.Padding),
                OpKind.GlobalPool => a.mean([2L, 3L]),
                _ => throw new NotSupportedException(n.Kind.ToString()),
            };
        }
        return v[^1];
    }

    private static Tensor Shuffle(Tensor x, long groups)
    {
        long n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        return x.view(n, groups, c / groups, h, w).transpose(1, 2).contiguous().view(n, c, h, w);
    }

    private int Register(nn.Module<Tensor, Tensor> m)
    {
        layers.Add(m);
        return layers.Count - 1;
    }

    private static void Copy(Tensor dst, float[] values)
    {
        using var src = tensor(values).view(dst.shape);
        dst.copy_(src);
    }
}
