// ShuffleNet V2: Ma, Zhang, Zheng, Sun. "ShuffleNet V2: Practical Guidelines for Efficient CNN Architecture
// Design", ECCV 2018. Mirrors mmpretrain/models/backbones/shufflenet_v2.py (module and state-dict names,
// out_indices, frozen_stages, norm_eval, init) and torchvision/models/shufflenetv2.py (readability).
using ShuffleNet.Checkpoints;
using ShuffleNet.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ShuffleNet.Models;

/// <summary>
/// The ShuffleNet V2 unit (paper Fig. 3c/d). Stride 1: split the channels in half, keep one half, transform the
/// other with <c>branch2</c>. Stride 2: both <c>branch1</c> and <c>branch2</c> see the whole input and halve it
/// spatially. Both end with a concatenation and a channel shuffle of 2 groups.
/// </summary>
public sealed class InvertedResidual : nn.Module<Tensor, Tensor>
{
    private readonly Sequential? branch1;
    private readonly Sequential branch2;

    /// <summary>
    /// Creates a unit from <paramref name="inChannels"/> to <paramref name="outChannels"/> (even) channels.
    /// </summary>
    /// <exception cref="ArgumentException">A stride-1 unit whose input is not <paramref name="outChannels"/>
    /// channels.</exception>
    public InvertedResidual(long inChannels, long outChannels, long stride) : base(nameof(InvertedResidual))
    {
        if (stride is not (1 or 2)) throw new ArgumentOutOfRangeException(nameof(stride), stride,
            "stride must be 1 or 2");
        long branch = outChannels / 2;
        if (stride == 1 && inChannels != branch * 2)
            throw new ArgumentException($"a stride-1 unit needs in_channels == out_channels (got {inChannels} and " +
                $"{outChannels})");
        Stride = stride;
        if (stride > 1)
            branch1 = nn.Sequential(
                new ConvModule(inChannels, inChannels, 3, stride, groups: inChannels, relu: false),
                new ConvModule(inChannels, branch, 1));
        branch2 = nn.Sequential(
            new ConvModule(stride > 1 ? inChannels : branch, branch, 1),
            new ConvModule(branch, branch, 3, stride, groups: branch, relu: false),
            new ConvModule(branch, branch, 1));
        RegisterComponents();
    }

    /// <summary>1 or 2.</summary>
    public long Stride { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        Tensor left, right;
        if (branch1 is not null)
        {
            left = branch1.call(x);
            right = branch2.call(x);
        }
        else
        {
            long half = x.shape[1] / 2;
            left = x.narrow(1, 0, half);
            right = branch2.call(x.narrow(1, half, half));
        }
        // cat + ChannelShuffle(2) in one copy: stacking on a new axis after the channels interleaves them exactly as
        // the shuffle does. A channels-last input (NHWC strides, what cuDNN runs fastest) stays channels-last: there
        // the channels are the innermost axis, so the new axis goes after them in NHWC order.
        long n = left.shape[0], c = left.shape[1], h = left.shape[2], w = left.shape[3];
        if (left.stride(1) == 1 && h * w > 1)
            return stack([left.permute(0, 2, 3, 1), right.permute(0, 2, 3, 1)], 4).view(n, h, w, 2 * c).permute(0, 3, 1,
                2);
        return stack([left, right], 2).view(n, 2 * c, h, w);
    }
}

/// <summary>
/// The ShuffleNet V2 backbone as mmpretrain builds it: <c>conv1</c> (3x3 s2), <c>maxpool</c>, <c>layers</c> 0-2 (stages
/// of 4/8/4 <see cref="InvertedResidual"/> units) and <c>layers.3</c> (conv5, 1x1). Input <c>[N, 3, H, W]</c> float32,
/// normalised; returns the feature maps of <see cref="OutIndices"/> (default: conv5 only, <c>[N, 1024, H/32, W/32]</c>
/// for 1.0x).
/// </summary>
public sealed class ShuffleNetV2 : nn.Module<Tensor, Tensor[]>
{
    private readonly ConvModule conv1;
    private readonly nn.Module<Tensor, Tensor> maxpool;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> layers;

    /// <summary>Builds the backbone.</summary>
    /// <param name="width">One of the four widths (the paper's Table 5).</param>
    /// <param name="outIndices">Which of <c>layers</c> 0-3 to return, as mmpretrain's <c>out_indices</c>.</param>
    /// <param name="frozenStages">-1: nothing frozen; k ≥ 0: <c>conv1</c> and <c>layers</c> 0..k-1 frozen (no
    /// gradients, BatchNorm in eval mode).</param>
    /// <param name="normEval">Keep every BatchNorm in eval mode while training (fine-tuning with small
    /// batches).</param>
    /// <param name="stem">Input channels and stem shape; <see cref="StemOptions.ImageNet"/> is the paper's.</param>
    public ShuffleNetV2(Width width = Width.X1_0, int[]? outIndices = null, int frozenStages = -1,
        bool normEval = false, StemOptions? stem = null)
        : base(nameof(ShuffleNetV2))
    {
        outIndices ??= [3];
        foreach (var i in outIndices)
            if (i is < 0 or > 3) throw new ArgumentOutOfRangeException(nameof(outIndices), i,
                "out_indices must be in 0..3");
        if (frozenStages is < -1 or > 3) throw new ArgumentOutOfRangeException(nameof(frozenStages), frozenStages,
            "frozen_stages must be in -1..3");
        stem ??= StemOptions.ImageNet;
        Width = width;
        OutIndices = outIndices;
        FrozenStages = frozenStages;
        NormEval = normEval;
        Stem = stem;
        var spec = ShuffleNetV2Layout.Widths[width];

        conv1 = new ConvModule(stem.InChannels, spec.StemChannels, 3, stem.Stride);
        maxpool = stem.MaxPool ? nn.MaxPool2d(3, 2, 1) : nn.Identity();
        layers = new ModuleList<nn.Module<Tensor, Tensor>>();
        long inChannels = spec.StemChannels;
        for (int s = 0; s < spec.Repeats.Length; s++)
        {
            long outChannels = spec.Channels[s + 1];
            var units = new List<nn.Module<Tensor, Tensor>>();
            for (int b = 0; b < spec.Repeats[s]; b++)
            {
                units.Add(new InvertedResidual(inChannels, outChannels, b == 0 ? 2 : 1));
                inChannels = outChannels;
            }
            layers.Add(nn.Sequential(units));
        }
        layers.Add(new ConvModule(inChannels, spec.FeatureChannels, 1));
        RegisterComponents();
        InitWeights();
        FreezeStages();
    }

    /// <summary>The width.</summary>
    public Width Width { get; }

    /// <summary>Indices of <c>layers</c> whose outputs <see cref="forward"/> returns.</summary>
    public IReadOnlyList<int> OutIndices { get; }

    /// <summary>mmpretrain's <c>frozen_stages</c>.</summary>
    public int FrozenStages { get; }

    /// <summary>mmpretrain's <c>norm_eval</c>.</summary>
    public bool NormEval { get; }

    /// <summary>The stem configuration.</summary>
    public StemOptions Stem { get; }

    /// <summary>Channels of the last returned feature map.</summary>
    public long OutChannels => OutIndices[^1] == 3 ? ShuffleNetV2Layout.Widths[Width].FeatureChannels
        : ShuffleNetV2Layout.Widths[Width].Channels[OutIndices[^1] + 1];

    /// <inheritdoc />
    public override Tensor[] forward(Tensor x)
    {
        x = conv1.call(x);
        x = maxpool.call(x);
        var outs = new List<Tensor>(OutIndices.Count);
        for (int i = 0; i < layers.Count; i++)
        {
            x = layers[i].call(x);
            if (OutIndices.Contains(i)) outs.Add(x);
        }
        return [.. outs];
    }

    /// <summary>
    /// Sets training mode, then re-applies <c>frozen_stages</c> and <c>norm_eval</c> as mmpretrain's <c>train()</c>
    /// does.
    /// </summary>
    public override void train(bool train = true)
    {
        base.train(train);
        FreezeStages();
        if (train && NormEval)
            foreach (var (_, m) in named_modules())
                if (m is BatchNorm2d bn) bn.eval();
    }

    // mmpretrain's init_weights: conv1 ~ N(0, 0.01), other convs ~ N(0, 1/fan_in channels); BatchNorm as PyTorch
    // (mmpretrain calls constant_init(m.weight, ...) on the parameter, not the module, which leaves PyTorch's 1 and 0).
    private void InitWeights()
    {
        using var _ = no_grad();
        foreach (var (name, m) in named_modules())
            if (m is Conv2d conv)
                nn.init.normal_(conv.weight, 0, name.Contains("conv1") ? 0.01 : 1.0 / conv.weight.shape[1]);
    }

    private void FreezeStages()
    {
        if (FrozenStages < 0) return;
        var frozen = new List<nn.Module> { conv1 };
        for (int i = 0; i < FrozenStages; i++) frozen.Add(layers[i]);
        foreach (var m in frozen)
        {
            m.eval();
            foreach (var p in m.parameters()) p.requires_grad = false;
        }
    }
}
