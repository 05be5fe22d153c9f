// ShuffleNet (V1): Zhang, Zhou, Lin, Sun. "ShuffleNet: An Extremely Efficient Convolutional Neural Network for Mobile
// Devices", CVPR 2018. Mirrors mmpretrain/models/backbones/shufflenet_v1.py (module and state-dict names, channel
// table, initialisation): the architecture ShuffleNet V2's paper sets out to improve on (its Fig. 3a/b and Table 8).
using ShuffleNet.Analysis;
using ShuffleNet.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ShuffleNet.Models;

/// <summary>
/// mmpretrain's <c>ShuffleUnit</c> (paper Fig. 2b/c): 1x1 group conv to a quarter of the output channels, channel shuffle,
/// 3x3 depthwise conv, 1x1 group conv; combined with the input by addition (stride 1) or, for the first unit of a
/// stage, concatenated with a 3x3 stride-2 average pool of the input (stride 2).
/// </summary>
public sealed class ShuffleUnit : nn.Module<Tensor, Tensor>, IGraphTraceable
{
    private readonly ConvModule g_conv_1x1_compress;
    private readonly ConvModule depthwise_conv3x3_bn;
    private readonly ConvModule g_conv_1x1_expand;
    private readonly AvgPool2d? avgpool;
    private readonly Layers.ChannelShuffle? shuffle;
    private readonly bool _concat;

    /// <summary>Creates a unit; <paramref name="firstBlock"/> (the network's first unit) uses a dense first 1x1 conv, as its input has only 24 channels.</summary>
    public ShuffleUnit(long inChannels, long outChannels, int groups, bool firstBlock, bool concat) : base(nameof(ShuffleUnit))
    {
        if (!concat && inChannels != outChannels)
            throw new ArgumentException($"an 'add' unit needs in_channels == out_channels (got {inChannels} and {outChannels})");
        long bottleneck = outChannels / 4;
        _concat = concat;
        g_conv_1x1_compress = new ConvModule(inChannels, bottleneck, 1, groups: firstBlock ? 1 : groups);
        depthwise_conv3x3_bn = new ConvModule(bottleneck, bottleneck, 3, concat ? 2 : 1, groups: bottleneck, relu: false);
        g_conv_1x1_expand = new ConvModule(bottleneck, concat ? outChannels - inChannels : outChannels, 1, groups: groups, relu: false);
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

/// <summary>
/// mmpretrain's <c>ShuffleNetV1</c> backbone: <c>conv1</c> (3x3 s2, 24 channels), <c>maxpool</c>, <c>layers</c> 0-2 (4/8/4 units).
/// Input <c>[N, 3, H, W]</c>; output the last stage, <c>[N, 960, H/32, W/32]</c> for 1.0x with 3 groups.
/// </summary>
public sealed class ShuffleNetV1 : nn.Module<Tensor, Tensor>, IGraphTraceable
{
    /// <summary>Stage output channels at 1.0x per group count (the paper's Table 1).</summary>
    public static readonly IReadOnlyDictionary<int, int[]> StageChannels = new Dictionary<int, int[]>
    {
        [1] = [144, 288, 576], [2] = [200, 400, 800], [3] = [240, 480, 960], [4] = [272, 544, 1088], [8] = [384, 768, 1536],
    };

    private readonly ConvModule conv1;
    private readonly MaxPool2d maxpool;
    private readonly ModuleList<Sequential> layers = new();

    /// <summary>Builds the backbone with mmpretrain's initialisation.</summary>
    public ShuffleNetV1(int groups = 3, double widenFactor = 1.0) : base(nameof(ShuffleNetV1))
    {
        if (!StageChannels.TryGetValue(groups, out var table))
            throw new ArgumentOutOfRangeException(nameof(groups), groups, "groups must be 1, 2, 3, 4 or 8");
        long input = (long)(24 * widenFactor);
        conv1 = new ConvModule(3, input, 3, 2);
        maxpool = nn.MaxPool2d(3, 2, 1);
        int[] repeats = [4, 8, 4];
        for (int s = 0; s < 3; s++)
        {
            long output = MobileNetV2.MakeDivisible(table[s] * widenFactor); // mmpretrain's make_divisible is torchvision's
            var units = new List<nn.Module<Tensor, Tensor>>();
            for (int i = 0; i < repeats[s]; i++)
            {
                units.Add(new ShuffleUnit(input, output, groups, firstBlock: s == 0 && i == 0, concat: i == 0));
                input = output;
            }
            layers.Add(nn.Sequential(units));
        }
        OutChannels = input;
        RegisterComponents();
        InitWeights();
    }

    /// <summary>Channels of the output feature map.</summary>
    public long OutChannels { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        x = conv1.call(x);
        x = maxpool.call(x);
        foreach (var layer in layers) x = layer.call(x);
        return x;
    }

    /// <inheritdoc />
    public int Trace(GraphTracer tracer, int x)
    {
        x = tracer.Module(maxpool, tracer.Module(conv1, x));
        foreach (var layer in layers) x = tracer.Module(layer, x);
        return x;
    }

    // mmpretrain: conv1 ~ N(0, 0.01), other convs ~ N(0, 1/in_channels per group); BatchNorm weight 1, bias 1e-4
    private void InitWeights()
    {
        using var _ = no_grad();
        foreach (var (name, m) in named_modules())
        {
            if (m is Conv2d conv) nn.init.normal_(conv.weight, 0, name.StartsWith("conv1") ? 0.01 : 1.0 / conv.weight.shape[1]);
            else if (m is BatchNorm2d bn)
            {
                nn.init.ones_(bn.weight);
                nn.init.constant_(bn.bias, 1e-4);
            }
        }
    }
}

/// <summary>mmpretrain's <c>ImageClassifier</c> around <see cref="ShuffleNetV1"/>: <c>backbone</c>, global average pooling, <c>head.fc</c>. Output <c>[N, NumClasses]</c>.</summary>
public sealed class ShuffleNetV1Classifier : nn.Module<Tensor, Tensor>, IGraphTraceable
{
    private readonly ShuffleNetV1 backbone;
    private readonly LinearClsHead head;

    /// <summary>Builds the classifier.</summary>
    public ShuffleNetV1Classifier(int groups = 3, double widenFactor = 1.0, int numClasses = 1000) : base(nameof(ShuffleNetV1Classifier))
    {
        backbone = new ShuffleNetV1(groups, widenFactor);
        head = new LinearClsHead(numClasses, backbone.OutChannels);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => head.call([backbone.call(x).mean([2L, 3L])]);

    /// <inheritdoc />
    public int Trace(GraphTracer tracer, int x) => tracer.Module(head.Fc, tracer.Graph.GlobalPool(tracer.Module(backbone, x)));
}
