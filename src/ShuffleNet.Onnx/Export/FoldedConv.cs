using ShuffleNet.Checkpoints;

namespace ShuffleNet.Onnx.Export;

/// <summary>
/// A mmcv <c>ConvModule</c> (conv without bias, then eval-mode BatchNorm) folded into one conv with bias:
/// <c>w' = w * gamma / sqrt(var + eps)</c>, <c>b' = beta - mean * gamma / sqrt(var + eps)</c>. Weights [O, I, k, k].
/// </summary>
internal sealed class FoldedConv
{
    public const float BatchNormEps = 1e-5f;

    private FoldedConv(float[] weight, float[] bias, int outChannels, int inPerGroup, int kernel)
    {
        Weight = weight;
        Bias = bias;
        OutChannels = outChannels;
        InPerGroup = inPerGroup;
        Kernel = kernel;
    }

    public float[] Weight { get; }
    public float[] Bias { get; }
    public int OutChannels { get; }
    public int InPerGroup { get; }
    public int Kernel { get; }
    private int KernelArea => Kernel * Kernel;

    /// <summary>Folds <c>{prefix}.conv.weight</c> with <c>{prefix}.bn.*</c>, in double precision.</summary>
    public static FoldedConv Load(StateDict sd, string prefix)
    {
        var wt = sd[$"{prefix}.conv.weight"];
        var w = wt.ToFloat32();
        var gamma = sd[$"{prefix}.bn.weight"].ToFloat32();
        var beta = sd[$"{prefix}.bn.bias"].ToFloat32();
        var mean = sd[$"{prefix}.bn.running_mean"].ToFloat32();
        var variance = sd[$"{prefix}.bn.running_var"].ToFloat32();
        int o = (int)wt.Shape[0], per = w.Length / o;
        var bias = new float[o];
        for (int c = 0; c < o; c++)
        {
            double scale = gamma[c] / Math.Sqrt(variance[c] + (double)BatchNormEps);
            for (int j = 0; j < per; j++) w[c * per + j] = (float)(w[c * per + j] * scale);
            bias[c] = (float)(beta[c] - mean[c] * scale);
        }
        return new FoldedConv(w, bias, o, (int)wt.Shape[1], (int)wt.Shape[2]);
    }

    /// <summary>
    /// Dense conv weights with rows and columns permuted: physical output <c>p</c> is logical output
    /// <c>outOrder[p]</c>, physical input <c>q</c> is logical input <c>inOrder[q]</c>; -1 is a zero row
    /// (zero bias) or a zero column, for padding channels and channels the conv must not read.
    /// </summary>
    public (float[] Weight, float[] Bias) Permuted(IReadOnlyList<int> outOrder, IReadOnlyList<int> inOrder)
    {
        var w = new float[outOrder.Count * inOrder.Count * KernelArea];
        var b = new float[outOrder.Count];
        for (int p = 0; p < outOrder.Count; p++)
        {
            if (outOrder[p] < 0) continue;
            b[p] = Bias[outOrder[p]];
            for (int q = 0; q < inOrder.Count; q++)
                if (inOrder[q] >= 0)
                    Array.Copy(Weight, (outOrder[p] * InPerGroup + inOrder[q]) * KernelArea, w, (p * inOrder.Count
                        + q) * KernelArea, KernelArea);
        }
        return (w, b);
    }

    /// <summary>
    /// Depthwise weights with channels permuted: physical channel <c>p</c> is logical <c>order[p]</c>; -1 is a zero
    /// channel.
    /// </summary>
    public (float[] Weight, float[] Bias) PermutedDepthwise(IReadOnlyList<int> order)
    {
        var w = new float[order.Count * KernelArea];
        var b = new float[order.Count];
        for (int p = 0; p < order.Count; p++)
        {
            if (order[p] < 0) continue;
            b[p] = Bias[order[p]];
            Array.Copy(Weight, order[p] * KernelArea, w, p * KernelArea, KernelArea);
        }
        return (w, b);
    }
}
