namespace ShuffleNet.Onnx.Export;

/// <summary>One node attribute: exactly one of the value fields is set.</summary>
internal sealed record OnnxAttribute(string Name, long? Int = null, long[]? Ints = null, float? Float = null);

/// <summary>One ONNX node: operator, input and output value names, attributes.</summary>
internal sealed record OnnxNode(string OpType, string Name, string[] Inputs, string[] Outputs,
    OnnxAttribute[] Attributes);

/// <summary>
/// A constant tensor of the graph: float32 or int64, or raw little-endian bytes of another ONNX data type
/// (<see cref="OnnxDataType"/>: the int8, uint8 and int32 tensors of a quantized graph).
/// </summary>
internal sealed record OnnxInitializer(string Name, long[] Dims, float[]? Floats = null, long[]? Longs = null,
    byte[]? Raw = null, int RawType = 0);

/// <summary>ONNX <c>TensorProto.DataType</c> values the writers use.</summary>
internal static class OnnxDataType
{
    public const int Float = 1, UInt8 = 2, Int8 = 3, Int32 = 6, Int64 = 7;
}

/// <summary>
/// An ONNX graph under construction: nodes in topological order, initializers, and helpers for the
/// few operators ShuffleNet V2 needs. Value names are generated and unique.
/// </summary>
internal sealed class OnnxGraph
{
    private int _next;

    public List<OnnxNode> Nodes { get; } = [];
    public List<OnnxInitializer> Initializers { get; } = [];

    /// <summary>Adds a node and returns its first output's name.</summary>
    public string Add(string opType, string[] inputs, params OnnxAttribute[] attributes) =>
        AddMulti(opType, inputs, 1, attributes)[0];

    /// <summary>Adds a node with <paramref name="outputs"/> outputs and returns their names.</summary>
    public string[] AddMulti(string opType, string[] inputs, int outputs, params OnnxAttribute[] attributes)
    {
        var name = $"{opType.ToLowerInvariant()}_{_next++}";
        var outs = Enumerable.Range(0, outputs).Select(i => outputs == 1 ? name : $"{name}_{i}").ToArray();
        Nodes.Add(new OnnxNode(opType, name, inputs, outs, attributes));
        return outs;
    }

    /// <summary>Adds a float32 initializer named after <paramref name="hint"/>.</summary>
    public string Constant(string hint, float[] values, params long[] dims)
    {
        var name = $"{hint}_{_next++}";
        Initializers.Add(new OnnxInitializer(name, dims, Floats: values));
        return name;
    }

    /// <summary>Adds an int64 initializer (shapes, split sizes).</summary>
    public string Int64Constant(string hint, params long[] values)
    {
        var name = $"{hint}_{_next++}";
        Initializers.Add(new OnnxInitializer(name, [values.Length], Longs: values));
        return name;
    }

    /// <summary>
    /// Adds an initializer of raw bytes of <paramref name="dataType"/> (<see cref="OnnxDataType"/>); empty dims make a
    /// scalar.
    /// </summary>
    public string RawConstant(string hint, int dataType, byte[] raw, params long[] dims)
    {
        var name = $"{hint}_{_next++}";
        Initializers.Add(new OnnxInitializer(name, dims, Raw: raw, RawType: dataType));
        return name;
    }

    /// <summary>
    /// Conv, with bias unless <paramref name="bias"/> is null; <paramref name="weight"/> is [O, I/groups, k, k],
    /// padding k/2.
    /// </summary>
    public string Conv(string input, float[] weight, float[]? bias, int outChannels, int inPerGroup, int kernel,
        int stride, int groups, string hint)
    {
        var w = Constant(hint + "_w", weight, outChannels, inPerGroup, kernel, kernel);
        string[] inputs = bias is null ? [input, w] : [input, w, Constant(hint + "_b", bias, outChannels)];
        int pad = kernel / 2;
        return Add("Conv", inputs,
            new OnnxAttribute("kernel_shape", Ints: [kernel, kernel]),
            new OnnxAttribute("strides", Ints: [stride, stride]),
            new OnnxAttribute("pads", Ints: [pad, pad, pad, pad]),
            new OnnxAttribute("group", Int: groups));
    }

    public string Relu(string input) => Add("Relu", [input]);

    /// <summary>Elementwise sum of two values of one shape.</summary>
    public string Sum(string a, string b) => Add("Add", [a, b]);

    public string MaxPool3x3s2(string input) => Add("MaxPool", [input],
        new OnnxAttribute("kernel_shape", Ints: [3, 3]),
        new OnnxAttribute("strides", Ints: [2, 2]),
        new OnnxAttribute("pads", Ints: [1, 1, 1, 1]));

    public string Concat(params string[] inputs) =>
        inputs.Length == 1 ? inputs[0] : Add("Concat", inputs, new OnnxAttribute("axis", Int: 1));

    /// <summary>Split along channels into pieces of the given sizes (opset 13+: sizes as an input).</summary>
    public string[] SplitChannels(string input, long[] sizes) =>
        sizes.Length == 1 ? [input] : AddMulti("Split", [input, Int64Constant("split", sizes)], sizes.Length,
            new OnnxAttribute("axis", Int: 1));

    /// <summary>GlobalAveragePool, Flatten and Gemm: [N, C, H, W] to [N, classes].</summary>
    public string PoolAndLinear(string input, float[] fcWeight, float[] fcBias, int numClasses, int features,
        string output)
    {
        var pooled = Add("GlobalAveragePool", [input]);
        var flat = Add("Flatten", [pooled], new OnnxAttribute("axis", Int: 1));
        var w = Constant("fc_w", fcWeight, numClasses, features);
        var b = Constant("fc_b", fcBias, numClasses);
        Nodes.Add(new OnnxNode("Gemm", "head_fc", [flat, w, b], [output], [new OnnxAttribute("transB", Int: 1)]));
        return output;
    }
}
