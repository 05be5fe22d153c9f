using ShuffleNet.Checkpoints;

namespace ShuffleNet.Onnx.Export;

/// <summary>
/// The literal ShuffleNet V2 graph, node for node as <c>torch.onnx.export</c> writes mmpretrain's model:
/// BatchNormalization nodes, Split for <c>x.chunk(2, dim=1)</c>, Reshape/Transpose/Reshape for the shuffle.
/// Independent of the optimized builder's algebra, so the tests can compare the two.
/// </summary>
internal sealed class NaiveGraphBuilder(StateDict sd, OnnxGraph g)
{
    public string Build(Width width, int numClasses, StemOptions stem)
    {
        var spec = ShuffleNetV2Layout.Widths[width];
        var x = ConvModule("input", "backbone.conv1", stem.Stride, relu: true, depthwise: false);
        if (stem.MaxPool) x = g.MaxPool3x3s2(x);
        for (int s = 0; s < spec.Repeats.Length; s++)
        {
            for (int b = 0; b < spec.Repeats[s]; b++)
            {
                var p = $"backbone.layers.{s}.{b}";
                if (b == 0)
                {
                    var b1 = ConvModule(x, $"{p}.branch1.0", 2, relu: false, depthwise: true);
                    b1 = ConvModule(b1, $"{p}.branch1.1", 1, relu: true, depthwise: false);
                    x = g.Concat(b1, Branch2(x, p, 2));
                }
                else
                {
                    long half = spec.Channels[s + 1] / 2;
                    var halves = g.SplitChannels(x, [half, half]);
                    x = g.Concat(halves[0], Branch2(halves[1], p, 1));
                }
                x = ChannelShuffle(x, spec.Channels[s + 1]);
            }
        }
        x = ConvModule(x, $"backbone.layers.{spec.Repeats.Length}", 1, relu: true, depthwise: false);
        var fc = sd["head.fc.weight"].ToFloat32();
        return g.PoolAndLinear(x, fc, sd["head.fc.bias"].ToFloat32(), numClasses, spec.FeatureChannels, "logits");
    }

    private string Branch2(string x, string p, int stride)
    {
        x = ConvModule(x, $"{p}.branch2.0", 1, relu: true, depthwise: false);
        x = ConvModule(x, $"{p}.branch2.1", stride, relu: false, depthwise: true);
        return ConvModule(x, $"{p}.branch2.2", 1, relu: true, depthwise: false);
    }

    // view [N, 2, C/2, H*W] -> transpose(1, 2) -> view back as the input's shape
    private string ChannelShuffle(string x, int channels)
    {
        var shape = g.Add("Shape", [x]);
        var split = g.Add("Reshape", [x, g.Int64Constant("shuffle_shape", 0, 2, channels / 2, -1)]);
        var swapped = g.Add("Transpose", [split], new OnnxAttribute("perm", Ints: [0, 2, 1, 3]));
        return g.Add("Reshape", [swapped, shape]);
    }

    // depthwise said by the caller: a grayscale stem's conv1 weight [24, 1, 3, 3] has a depthwise conv's shape
    private string ConvModule(string x, string prefix, int stride, bool relu, bool depthwise)
    {
        var wt = sd[$"{prefix}.conv.weight"];
        int groups = depthwise ? (int)wt.Shape[0] : 1;
        int k = (int)wt.Shape[2];
        var w = g.Constant(prefix + ".conv.weight", wt.ToFloat32(), wt.Shape);
        var conv = g.Add("Conv", [x, w],
            new OnnxAttribute("kernel_shape", Ints: [k, k]),
            new OnnxAttribute("strides", Ints: [stride, stride]),
            new OnnxAttribute("pads", Ints: [k / 2, k / 2, k / 2, k / 2]),
            new OnnxAttribute("group", Int: groups));
        var bnInputs = new[] { "weight", "bias", "running_mean", "running_var" }
            .Select(n => g.Constant($"{prefix}.bn.{n}", sd[$"{prefix}.bn.{n}"].ToFloat32(), wt.Shape[0]));
        var bn = g.Add("BatchNormalization", [conv, .. bnInputs], new OnnxAttribute("epsilon",
            Float: FoldedConv.BatchNormEps));
        return relu ? g.Relu(bn) : bn;
    }
}
