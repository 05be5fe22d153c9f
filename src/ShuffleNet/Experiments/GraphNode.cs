namespace ShuffleNet.Experiments;

/// <summary>
/// One node of a <see cref="NetGraph"/>. <paramref name="Shape"/> is per image: <c>[C, H, W]</c>, or <c>[C]</c> after
/// pooling.
/// </summary>
/// <param name="Kind">Operator.</param>
/// <param name="Inputs">Indices of earlier nodes.</param>
/// <param name="Shape">Output shape for one image.</param>
/// <param name="Kernel">Conv or pooling kernel size.</param>
/// <param name="Stride">Conv or pooling stride.</param>
/// <param name="Padding">Conv or pooling padding.</param>
/// <param name="Groups">Conv groups, or shuffle groups.</param>
/// <param name="Weight">Conv or linear weights, row-major.</param>
/// <param name="Bias">Conv or linear bias, or null.</param>
public sealed record GraphNode(OpKind Kind, int[] Inputs, long[] Shape, int Kernel = 0, int Stride = 1, int Padding = 0,
    int Groups = 1,
    float[]? Weight = null, float[]? Bias = null);
