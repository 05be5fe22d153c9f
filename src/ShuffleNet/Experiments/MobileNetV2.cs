// MobileNet V2: Sandler, Howard, Zhu, Zhmoginov, Chen. "MobileNetV2: Inverted Residuals and Linear Bottlenecks",
// CVPR 2018. Mirrors torchvision/models/mobilenetv2.py (module and state-dict names, widths, initialisation): the
// reference architecture ShuffleNet V2's paper compares against (its Fig. 1 and Table 8).
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ShuffleNet.Experiments;

/// <summary>
/// torchvision's <c>MobileNetV2</c> classifier: <c>features</c> (stem, 17 blocks, 1x1 conv to 1280), global average
/// pooling, <c>classifier</c> (dropout 0.2, linear). Input <c>[N, 3, H, W]</c> float32, normalised; output <c>[N,
/// NumClasses]</c>. 1.0x at 224x224: 3,504,872 parameters, 300M multiply-adds.
/// </summary>
public sealed class MobileNetV2 : nn.Module<Tensor, Tensor>, IGraphTraceable
{
    // t (expansion), c (channels), n (repeats), s (stride of the first repeat)
    private static readonly (int T, int C, int N, int S)[] Settings =
        [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)];

    private readonly Sequential features;
    private readonly Sequential classifier;

    /// <summary>Builds the model with torchvision's initialisation.</summary>
    /// <param name="widthMult">Channel multiplier (1.0, 0.75, 0.5, ...); the last conv keeps 1280 channels below
    /// 1.0.</param>
    /// <param name="numClasses">Classes of the linear layer.</param>
    public MobileNetV2(double widthMult = 1.0, int numClasses = 1000) : base(nameof(MobileNetV2))
    {
        WidthMult = widthMult;
        long input = MakeDivisible(32 * widthMult), last = MakeDivisible(1280 * Math.Max(1.0, widthMult));
        var layers = new List<nn.Module<Tensor, Tensor>> { ConvBnReLU6(3, input, 3, 2) };
        foreach (var (t, c, n, s) in Settings)
        {
            long output = MakeDivisible(c * widthMult);
            for (int i = 0; i < n; i++)
            {
                layers.Add(new MobileNetV2Block(input, output, i == 0 ? s : 1, t));
                input = output;
            }
        }
        layers.Add(ConvBnReLU6(input, last, 1));
        features = nn.Sequential(layers);
        classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(last, numClasses));
        RegisterComponents();
        InitWeights();
    }

    /// <summary>The channel multiplier.</summary>
    public double WidthMult { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        x = features.call(x);
        x = x.mean([2L, 3L]);
        return classifier.call(x);
    }

    /// <inheritdoc />
    public int Trace(GraphTracer tracer, int x) => tracer.Module(classifier,
        tracer.Graph.GlobalPool(tracer.Module(features, x)));

    /// <summary>torchvision's <c>Conv2dNormActivation</c> with ReLU6: keys <c>0</c> (conv), <c>1</c> (bn).</summary>
    internal static Sequential ConvBnReLU6(long inChannels, long outChannels, long kernel, long stride = 1,
        long groups = 1) =>
        nn.Sequential(nn.Conv2d(inChannels, outChannels, kernel, stride: stride, padding: (kernel - 1) / 2,
            groups: groups, bias: false),
            nn.BatchNorm2d(outChannels), nn.ReLU6(inplace: true));

    /// <summary>
    /// torchvision's <c>_make_divisible(v, 8)</c>: nearest multiple of 8, at least 8, never more than 10% below v.
    /// </summary>
    public static long MakeDivisible(double v)
    {
        long n = Math.Max(8, (long)(v + 4) / 8 * 8);
        return n < 0.9 * v ? n + 8 : n;
    }

    // torchvision: conv kaiming_normal_(fan_out), BatchNorm 1/0, linear N(0, 0.01) and zero bias
    private void InitWeights()
    {
        using var _ = no_grad();
        foreach (var (_, m) in named_modules())
        {
            if (m is Conv2d conv) nn.init.kaiming_normal_(conv.weight, mode: nn.init.FanInOut.FanOut);
            else if (m is Linear fc)
            {
                nn.init.normal_(fc.weight, 0, 0.01);
                nn.init.zeros_(fc.bias);
            }
        }
    }
}
