// ShuffleNet (V1): Zhang, Zhou, Lin, Sun. "ShuffleNet: An Extremely Efficient Convolutional Neural Network for Mobile
// Devices", CVPR 2018. Mirrors mmpretrain/models/backbones/shufflenet_v1.py (module and state-dict names, channel
// table, initialisation): the architecture ShuffleNet V2's paper sets out to improve on (its Fig. 3a/b and Table 8).
using ShuffleNet.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ShuffleNet.Experiments;

/// <summary>
/// mmpretrain's <c>ShuffleNetV1</c> backbone: <c>conv1</c> (3x3 s2, 24 channels), <c>maxpool</c>, <c>layers</c> 0-2
/// (4/8/4 units). Input <c>[N, 3, H, W]</c>; output the last stage, <c>[N, 960, H/32, W/32]</c> for 1.0x with 3 groups.
/// </summary>
public sealed class ShuffleNetV1 : nn.Module<Tensor, Tensor>, IGraphTraceable
{
    /// <summary>Stage output channels at 1.0x per group count (the paper's Table 1).</summary>
    public static readonly IReadOnlyDictionary<int, int[]> StageChannels = new Dictionary<int, int[]>
    {
        [1] = [144, 288, 576], [2] = [200, 400, 800], [3] = [240, 480, 960], [4] = [272, 544, 1088], [8] = [384, 768,
            1536],
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
            // mmpretrain's make_divisible is torchvision's
            long output = MobileNetV2.MakeDivisible(table[s] * widenFactor);
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
            if (m is Conv2d conv) nn.init.normal_(conv.weight, 0, name.StartsWith("conv1")
                ? 0.01 : 1.0 / conv.weight.shape[1]);
            else if (m is BatchNorm2d bn)
            {
                nn.init.ones_(bn.weight);
                nn.init.constant_(bn.bias, 1e-4);
            }
        }
    }
}
