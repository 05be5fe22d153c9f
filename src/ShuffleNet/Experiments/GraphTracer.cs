using ShuffleNet.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ShuffleNet.Experiments;

/// <summary>
/// Turns an eval-mode TorchSharp model into a <see cref="NetGraph"/> with its weights, BatchNorm folded into the
/// preceding convolution (as ONNX Runtime and the paper's "tensor fusion" would): chains of layers are walked
/// generically; blocks with their own dataflow implement <see cref="IGraphTraceable"/>.
/// </summary>
public sealed class GraphTracer
{
    private GraphTracer(NetGraph graph) => Graph = graph;

    /// <summary>The graph being built.</summary>
    public NetGraph Graph { get; }

    /// <summary>Traces <paramref name="model"/> on a <c>[N, inChannels, size, size]</c> input.</summary>
    /// <exception cref="NotSupportedException">A layer this tracer does not know.</exception>
    public static NetGraph Trace(nn.Module model, string name, long inChannels, long size)
    {
        var tracer = new GraphTracer(new NetGraph(name, inChannels, size, size));
        tracer.Module(model, 0);
        return tracer.Graph;
    }

    /// <summary>Adds module <paramref name="m"/> reading node <paramref name="x"/>; returns its output node.</summary>
    public int Module(nn.Module m, int x)
    {
        switch (m)
        {
            case IGraphTraceable t: return t.Trace(this, x);
            case ConvModule c:
                x = Conv(c.Conv, c.Bn, x);
                return c.HasActivation ? Graph.Relu(x) : x;
            case Sequential s:
                var children = s.children().ToList();
                for (int i = 0; i < children.Count; i++)
                {
                    if (children[i] is Conv2d conv && i + 1 < children.Count && children[i + 1] is BatchNorm2d bn)
                    {
                        x = Conv(conv, bn, x);
                        i++;
                    }
                    else x = Module(children[i], x);
                }
                return x;
            case Conv2d conv: return Conv(conv, null, x);
            case ReLU: return Graph.Relu(x);
            case ReLU6: return Graph.Relu6(x);
            case Dropout or Identity: return x;
            case Linear fc: return Graph.Linear(x, fc.out_features, Floats(fc.weight), fc.bias is null
                ? null : Floats(fc.bias));
            case MaxPool2d p: return Graph.MaxPool(x, (int)p.kernel_size[0], (int)(p.stride?[0] ?? p.kernel_size[0]),
                (int)(p.padding?[0] ?? 0));
            case AvgPool2d p: return Graph.AvgPool(x, (int)p.kernel_size[0], (int)(p.stride?[0] ?? p.kernel_size[0]),
                (int)(p.padding?[0] ?? 0));
            default: throw new NotSupportedException($"cannot trace a {m.GetType().Name}; implement IGraphTraceable " +
                "on it");
        }
    }

    // w' = w·γ/√(var+ε), b' = β + (b − mean)·γ/√(var+ε), in double precision
    private int Conv(Conv2d conv, BatchNorm2d? bn, int x)
    {
        int k = (int)conv.kernel_size[0];
        if (conv.padding is { } p && p[0] != k / 2)
            throw new NotSupportedException($"conv with kernel {k} and padding {p[0]}: the graph uses padding k/2");
        var w = Floats(conv.weight!);
        var b = conv.bias is null ? null : Floats(conv.bias);
        if (bn is not null)
        {
            var (gamma, beta, mean, variance) = (Floats(bn.weight!), Floats(bn.bias!), Floats(bn.running_mean!),
                Floats(bn.running_var!));
            int per = w.Length / gamma.Length;
            b ??= new float[gamma.Length];
            for (int c = 0; c < gamma.Length; c++)
            {
                double scale = gamma[c] / Math.Sqrt(variance[c] + bn.eps);
                for (int j = 0; j < per; j++) w[c * per + j] = (float)(w[c * per + j] * scale);
                b[c] = (float)(beta[c] + (b[c] - mean[c]) * scale);
            }
        }
        return Graph.Conv(x, conv.out_channels, k, (int)conv.stride[0], (int)conv.groups, w, b);
    }

    private static float[] Floats(Tensor t)
    {
        using var c = t.detach().cpu().contiguous().to(ScalarType.Float32);
        return c.data<float>().ToArray();
    }
}
