using ShuffleNet.Checkpoints;

namespace ShuffleNet.Analysis;

/// <summary>
/// Counts of one part of the network (a stage, the stem, the head). FLOPs here are multiply-adds, as mmcv and the paper
/// count them.
/// </summary>
/// <param name="Name">Part name: <c>stem</c>, <c>stage2</c>, <c>stage3</c>, <c>stage4</c>, <c>conv5</c>, <c>neck</c>,
/// <c>head</c>.</param>
/// <param name="Parameters">Learnable parameters.</param>
/// <param name="ConvMacs">Convolution and linear multiply-adds.</param>
/// <param name="NormFlops">BatchNorm FLOPs as mmcv counts them (2 per element: scale and shift).</param>
/// <param name="ActivationFlops">ReLU FLOPs (1 per output element).</param>
/// <param name="PoolFlops">Pooling FLOPs (1 per input element).</param>
/// <param name="OutputShape">Output shape of the part for one image, <c>[C, H, W]</c> or <c>[C]</c>.</param>
public sealed record PartComplexity(string Name, long Parameters, long ConvMacs, long NormFlops, long ActivationFlops,
    long PoolFlops, long[] OutputShape)
{
    /// <summary>mmcv's total: every hooked layer (conv, BN, ReLU, pooling, linear).</summary>
    public long MmcvFlops => ConvMacs + NormFlops + ActivationFlops + PoolFlops;
}

/// <summary>Parameters and FLOPs of a ShuffleNet V2 classifier, part by part, computed from the layout table.</summary>
/// <param name="Width">Width.</param>
/// <param name="InputSize">Input height and width (square).</param>
/// <param name="NumClasses">Head classes (0: no head).</param>
/// <param name="Parts">Stem, stages, conv5, neck, head.</param>
public sealed record ModelComplexity(Width Width, int InputSize, int NumClasses, IReadOnlyList<PartComplexity> Parts)
{
    /// <summary>All learnable parameters.</summary>
    public long Parameters => Parts.Sum(p => p.Parameters);

    /// <summary>
    /// The model card's figure (mmcv <c>get_model_complexity_info</c>: conv, BN, ReLU, pooling; backbone and neck,
    /// without the head): 0.149G for 1.0x.
    /// </summary>
    public long MmcvFlops => Parts.Where(p => p.Name != "head").Sum(p => p.MmcvFlops);

    /// <summary>
    /// The paper's and torchvision's figure: convolution and fully-connected multiply-adds (146M for 1.0x).
    /// </summary>
    public long ConvFcMacs => Parts.Sum(p => p.ConvMacs);

    /// <summary>
    /// Counts for <paramref name="width"/> at <paramref name="inputSize"/>² with a 3-channel ImageNet stem.
    /// </summary>
    public static ModelComplexity Of(Width width, int inputSize = 224, int numClasses = 1000)
    {
        var spec = ShuffleNetV2Layout.Widths[width];
        var parts = new List<PartComplexity>();
        var acc = new Accumulator();
        int size = inputSize;
        long channels = 3;

        size = acc.ConvModule(channels, spec.StemChannels, 3, 2, 1, size, relu: true);
        channels = spec.StemChannels;
        acc.Pool += channels * size * size;
        size = (size + 2 - 3) / 2 + 1;
        parts.Add(acc.Take("stem", [channels, size, size]));

        for (int s = 0; s < spec.Repeats.Length; s++)
        {
            long outChannels = spec.Channels[s + 1], branch = outChannels / 2;
            for (int b = 0; b < spec.Repeats[s]; b++)
            {
                int inSize = size;
                if (b == 0)
                {
                    int half = acc.ConvModule(channels, channels, 3, 2, channels, inSize, relu: false);
                    acc.ConvModule(channels, branch, 1, 1, 1, half, relu: true);
                }
                acc.ConvModule(b == 0 ? channels : branch, branch, 1, 1, 1, inSize, relu: true);
                size = acc.ConvModule(branch, branch, 3, b == 0 ? 2 : 1, branch, inSize, relu: false);
                acc.ConvModule(branch, branch, 1, 1, 1, size, relu: true);
                channels = outChannels;
            }
            parts.Add(acc.Take($"stage{s + 2}", [channels, size, size]));
        }

        acc.ConvModule(channels, spec.FeatureChannels, 1, 1, 1, size, relu: true);
        channels = spec.FeatureChannels;
        parts.Add(acc.Take("conv5", [channels, size, size]));
        acc.Pool += channels * size * size;
        parts.Add(acc.Take("neck", [channels]));
        if (numClasses > 0)
        {
            acc.Macs += channels * numClasses;
            acc.Params += channels * numClasses + numClasses;
            parts.Add(acc.Take("head", [numClasses]));
        }
        return new ModelComplexity(width, inputSize, numClasses, parts);
    }

    private sealed class Accumulator
    {
        public long Params, Macs, Norm, Act, Pool;

        // conv (no bias) + BN (+ ReLU); returns the output size. Padding is k/2, as every ShuffleNet V2 conv uses.
        public int ConvModule(long cin, long cout, int k, int stride, long groups, int size, bool relu)
        {
            int outSize = (size + 2 * (k / 2) - k) / stride + 1;
            long outElems = cout * outSize * outSize;
            Params += cout * (cin / groups) * k * k + 2 * cout;
            Macs += outElems * (cin / groups) * k * k;
            Norm += 2 * outElems;
            if (relu) Act += outElems;
            return outSize;
        }

        public PartComplexity Take(string name, long[] shape)
        {
            var part = new PartComplexity(name, Params, Macs, Norm, Act, Pool, shape);
            Params = Macs = Norm = Act = Pool = 0;
            return part;
        }
    }
}
