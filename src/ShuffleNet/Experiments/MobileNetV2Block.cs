using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ShuffleNet.Experiments;

/// <summary>
/// torchvision's <c>InvertedResidual</c> (named apart from ShuffleNet V2's unit of that name): 1x1 expansion (absent
/// when the expand ratio is 1), 3x3 depthwise, 1x1 linear projection; a residual when stride is 1 and channels are
/// kept.
/// </summary>
public sealed class MobileNetV2Block : nn.Module<Tensor, Tensor>, IGraphTraceable
{
    private readonly Sequential conv;
    private readonly bool _useResidual;

    /// <summary>Creates a block from <paramref name="inChannels"/> to <paramref name="outChannels"/>.</summary>
    public MobileNetV2Block(long inChannels, long outChannels, long stride, long expandRatio) : base("InvertedResidual")
    {
        long hidden = inChannels * expandRatio;
        _useResidual = stride == 1 && inChannels == outChannels;
        var layers = new List<nn.Module<Tensor, Tensor>>();
        if (expandRatio != 1) layers.Add(MobileNetV2.ConvBnReLU6(inChannels, hidden, 1));
        layers.Add(MobileNetV2.ConvBnReLU6(hidden, hidden, 3, stride, groups: hidden));
        layers.Add(nn.Conv2d(hidden, outChannels, 1, bias: false));
        layers.Add(nn.BatchNorm2d(outChannels));
        conv = nn.Sequential(layers);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => _useResidual ? x + conv.call(x) : conv.call(x);

    /// <inheritdoc />
    public int Trace(GraphTracer tracer, int x)
    {
        int y = tracer.Module(conv, x);
        return _useResidual ? tracer.Graph.Add(x, y) : y;
    }
}
