namespace ShuffleNet.Experiments;

/// <summary>
/// A small network as a list of nodes in topological order, with weights: one description from which
/// <see cref="GraphNetwork"/> builds a TorchSharp module, the CLI writes an ONNX model, and FLOPs are counted.
/// Weights not given are drawn from a seeded uniform distribution of variance 1/fan_in, so activations keep their
/// scale through deep stacks (no denormals, which would distort CPU timings).
/// </summary>
public sealed class NetGraph
{
    private readonly List<GraphNode> _nodes = [];
    private readonly Random _rng;

    /// <summary>Starts a graph whose input is <c>[N, inChannels, height, width]</c>.</summary>
    public NetGraph(string name, long inChannels, long height, long width, int seed = 0)
    {
        Name = name;
        _rng = new Random(seed);
        _nodes.Add(new GraphNode(OpKind.Input, [], [inChannels, height, width]));
    }

    /// <summary>Name (used in tables and as the ONNX graph name).</summary>
    public string Name { get; }

    /// <summary>Nodes in topological order; node 0 is the input, the last node is the output.</summary>
    public IReadOnlyList<GraphNode> Nodes => _nodes;

    /// <summary>Index of the output node (the last one).</summary>
    public int Output => _nodes.Count - 1;

    /// <summary>Per-image shape of node <paramref name="id"/>.</summary>
    public long[] ShapeOf(int id) => _nodes[id].Shape;

    /// <summary>Convolution and fully-connected multiply-adds per image (the paper's FLOPs).</summary>
    public long ConvFcMacs => _nodes.Sum(Macs);

    /// <summary>Weights and biases of every conv and linear node (BatchNorm already folded where traced).</summary>
    public long Parameters => _nodes.Sum(n => (long)(n.Weight?.Length ?? 0) + (n.Bias?.Length ?? 0));

    /// <summary>Multiply-adds of one node per image.</summary>
    public long Macs(GraphNode n) => n.Kind switch
    {
        OpKind.Conv =>
            n.Shape[0] * n.Shape[1] * n.Shape[2] * (_nodes[n.Inputs[0]].Shape[0] / n.Groups) * n.Kernel * n.Kernel,
        OpKind.Linear => n.Shape[0] * _nodes[n.Inputs[0]].Shape[0],
        _ => 0,
    };

    /// <summary>Convolution with padding k/2; random weights unless given as <c>[out, in/groups, k, k]</c>.</summary>
    public int Conv(int x, long outChannels, int kernel, int stride = 1, int groups = 1, float[]? weight = null,
        float[]? bias = null)
    {
        var s = ShapeOf(x);
        if (s.Length != 3 || s[0] % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"conv {s[0]}→{outChannels} channels with {groups} groups on " +
                $"[{string.Join(", ", s)}] is not possible");
        long fanIn = s[0] / groups * kernel * kernel;
        weight ??= Uniform(outChannels * fanIn, fanIn);
        if (weight.Length != outChannels * fanIn) throw new ArgumentException($"conv weight has {weight.Length} " +
            $"values, expected {outChannels * fanIn}");
        long size(long d) => (d + 2 * (kernel / 2) - kernel) / stride + 1;
        return Append(new GraphNode(OpKind.Conv, [x], [outChannels, size(s[1]), size(s[2])], kernel, stride, kernel / 2,
            groups, weight, bias));
    }

    /// <summary>ReLU.</summary>
    public int Relu(int x) => Append(new GraphNode(OpKind.Relu, [x], ShapeOf(x)));

    /// <summary>ReLU6 (MobileNet V2).</summary>
    public int Relu6(int x) => Append(new GraphNode(OpKind.Relu6, [x], ShapeOf(x)));

    /// <summary>Element-wise sum of two nodes of equal shape.</summary>
    public int Add(int a, int b)
    {
        if (!ShapeOf(a).SequenceEqual(ShapeOf(b)))
            throw new ArgumentException($"cannot add [{string.Join(", ", ShapeOf(a))}] and " +
                $"[{string.Join(", ", ShapeOf(b))}]");
        return Append(new GraphNode(OpKind.Add, [a, b], ShapeOf(a)));
    }

    /// <summary>Channel concatenation of nodes of equal height and width.</summary>
    public int Concat(params int[] xs) => xs.Length == 1 ? xs[0]
        : Append(new GraphNode(OpKind.Concat, xs, [xs.Sum(x => ShapeOf(x)[0]), ShapeOf(xs[0])[1], ShapeOf(xs[0])[2]]));

    /// <summary>Channel shuffle over <paramref name="groups"/> groups.</summary>
    public int Shuffle(int x, int groups) => Append(new GraphNode(OpKind.Shuffle, [x], ShapeOf(x), Groups: groups));

    /// <summary>Max pooling (floor mode).</summary>
    public int MaxPool(int x, int kernel, int stride, int padding) => Pool(OpKind.MaxPool, x, kernel, stride, padding);

    /// <summary>Average pooling (floor mode, padding counted).</summary>
    public int AvgPool(int x, int kernel, int stride, int padding) => Pool(OpKind.AvgPool, x, kernel, stride, padding);

    /// <summary>Global average pooling: [C, H, W] to [C].</summary>
    public int GlobalPool(int x) => Append(new GraphNode(OpKind.GlobalPool, [x], [ShapeOf(x)[0]]));

    /// <summary>Fully connected layer on a [C] node; random weights and zero bias unless given.</summary>
    public int Linear(int x, long outFeatures, float[]? weight = null, float[]? bias = null)
    {
        long inFeatures = ShapeOf(x)[0];
        return Append(new GraphNode(OpKind.Linear, [x], [outFeatures], Weight: weight
            ?? Uniform(outFeatures * inFeatures, inFeatures),
            Bias: bias ?? new float[outFeatures]));
    }

    private int Pool(OpKind kind, int x, int kernel, int stride, int padding)
    {
        var s = ShapeOf(x);
        long size(long d) => (d + 2 * padding - kernel) / stride + 1;
        return Append(new GraphNode(kind, [x], [s[0], size(s[1]), size(s[2])], kernel, stride, padding));
    }

    private int Append(GraphNode node)
    {
        _nodes.Add(node);
        return _nodes.Count - 1;
    }

    private float[] Uniform(long count, long fanIn)
    {
        var a = (float)Math.Sqrt(3.0 / fanIn);
        var w = new float[count];
        for (long i = 0; i < count; i++) w[i] = (2 * _rng.NextSingle() - 1) * a;
        return w;
    }
}
