namespace ShuffleNet.Experiments;

/// <summary>
/// Operators a <see cref="NetGraph"/> can hold: what the micro-benchmarks and the reference models need.
/// </summary>
public enum OpKind
{
    /// <summary>The network input, node 0.</summary>
    Input,
    /// <summary>2-D convolution, padding k/2; weight [O, I/groups, k, k], optional bias (folded BatchNorm).</summary>
    Conv,
    /// <summary>max(x, 0).</summary>
    Relu,
    /// <summary>min(max(x, 0), 6).</summary>
    Relu6,
    /// <summary>Element-wise sum of two inputs.</summary>
    Add,
    /// <summary>Concatenation along channels.</summary>
    Concat,
    /// <summary>Channel shuffle over <see cref="GraphNode.Groups"/> groups.</summary>
    Shuffle,
    /// <summary>Max pooling.</summary>
    MaxPool,
    /// <summary>Average pooling, padding counted (PyTorch's default <c>count_include_pad=True</c>).</summary>
    AvgPool,
    /// <summary>Global average pooling and flatten: [C, H, W] to [C].</summary>
    GlobalPool,
    /// <summary>Fully connected layer: weight [O, I], bias [O].</summary>
    Linear,
}
