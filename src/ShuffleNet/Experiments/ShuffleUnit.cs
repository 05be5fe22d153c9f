using ShuffleNet.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ShuffleNet.Experiments;

/// <summary>
/// mmpretrain's <c>ShuffleUnit</c> (paper Fig. 2b/c): 1x1 group conv to a quarter of the output channels, channel
/// shuffle, 3x3 depthwise conv, 1x1 group conv; combined with the input by addition (stride 1) or, for the first unit
/// of a stage, concatenated with a 3x3 stride-2 average pool of the input (stride 2).
/// </summary>
public sealed class ShuffleUnit : nn.Module<Tensor, Tensor>, IGraphTraceable
{
    private readonly ConvModule g_conv_1x1_compress;
    private readonly ConvModule depthwise_conv3x3_bn;
    private readonly ConvModule g_conv_1x1_expand;
    private readonly AvgPool2d? avgpool;
    private readonly Layers.ChannelShuffle? shuffle;
    private readonly bool _concat;

    /// <summary>
    /// Creates a unit; <paramref name="firstBlock"/> (the network's first unit) uses a dense first 1x1 conv, as its
    /// input has only 24 channels.
    /// </summary>
    public ShuffleUnit(long inChannels, long outChannels, int groups, bool firstBlock,
        bool concat) : base(nameof(ShuffleUnit))
    {
        if (!concat && inChannels != outChannels)
            throw new ArgumentException($"an 'add' unit needs in_channels == out_channels (got {inChannels} and " +
                $"{outChannels})");
        long bottleneck = outChannels / 4;
        _concat = concat;
        g_conv_1x1_compress = new ConvModule(inChannels, bottleneck, 1, groups: firstBlock ? 1 : groups);
        depthwise_conv3x3_bn = new ConvModule(bottleneck, bottleneck, 3, concat ? 2 : 1, groups: bottleneck,
            relu: false);
        g_conv_1x1_expand = new ConvModule(bottleneck, concat ? outChannels - inChannels : outChannels, 1,
            groups: groups, relu: false);
        if (concat) avgpool = nn.AvgPool2d(3, 2, 1);
        if (groups > 1) shuffle = new Layers.ChannelShuffle(groups);
        Groups = groups;
        RegisterComponents();
    }

    /// <summary>Groups of the 1x1 convolutions and of the shuffle.</summary>
    public int Groups { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        var o = g_conv_1x1_compress.call(x);
        o = depthwise_conv3x3_bn.call(o);
        if (shuffle is not null) o = shuffle.call(o);
        o = g_conv_1x1_expand.call(o);
        return _concat ? cat([avgpool!.call(x), o.relu_()], 1) : (x + o).relu_();
    }

    /// <inheritdoc />
    public int Trace(GraphTracer tracer, int x)
    {
        var g = tracer.Graph;
        int o = tracer.Module(depthwise_conv3x3_bn, tracer.Module(g_conv_1x1_compress, x));
        if (shuffle is not null) o = g.Shuffle(o, Groups);
        o = tracer.Module(g_conv_1x1_expand, o);
        return _concat ? g.Concat(g.AvgPool(x, 3, 2, 1), g.Relu(o)) : g.Relu(g.Add(x, o));
    }
}
