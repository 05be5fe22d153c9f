using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ShuffleNet.Layers;

/// <summary>
/// mmcv's <c>ConvModule</c>: bias-free convolution, BatchNorm, optional ReLU. State-dict keys
/// <c>conv.weight</c> and <c>bn.{weight,bias,running_mean,running_var,num_batches_tracked}</c>.
/// </summary>
public sealed class ConvModule : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv;
    private readonly BatchNorm2d bn;
    private readonly nn.Module<Tensor, Tensor>? activate;

    /// <summary>
    /// Creates <c>conv(k x k, stride, padding k/2, groups) → bn → ReLU (when <paramref name="relu"/>)</c>.
    /// </summary>
    public ConvModule(long inChannels, long outChannels, long kernelSize, long stride = 1, long groups = 1,
        bool relu = true)
        : base(nameof(ConvModule))
    {
        conv = nn.Conv2d(inChannels, outChannels, kernelSize, stride: stride, padding: kernelSize / 2, groups: groups,
            bias: false);
        bn = nn.BatchNorm2d(outChannels);
        activate = relu ? nn.ReLU(inplace: true) : null;
        RegisterComponents();
    }

    /// <summary>The convolution (for FLOP counting and initialisation).</summary>
    public Conv2d Conv => conv;

    /// <summary>The BatchNorm layer.</summary>
    public BatchNorm2d Bn => bn;

    /// <summary>Whether a ReLU follows the BatchNorm.</summary>
    public bool HasActivation => activate is not null;

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        x = bn.call(conv.call(x));
        return activate is null ? x : activate.call(x);
    }
}
