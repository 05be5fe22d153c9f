using ShuffleNet.Onnx.Export;

namespace ShuffleNet.Onnx.Experiments;

/// <summary>
/// Writes an arbitrary small convolutional network as an ONNX model, operator by operator: for networks that are not
/// ShuffleNet V2 checkpoints (the guideline micro-benchmarks, reference architectures). Values are named by the
/// strings each method returns; the input is <see cref="Input"/>, <c>[N, C, H, W]</c> float32 with a dynamic batch
/// <c>N</c>. Every operator used has the same semantics from opset 13 to 21.
/// </summary>
public sealed class OnnxNetworkWriter
{
    private readonly OnnxGraph _g = new();
    private readonly string _name;
    private readonly long[] _inputShape;

    /// <summary>Starts a network named <paramref name="name"/> reading <c>[N, inChannels, height, width]</c>.</summary>
    public OnnxNetworkWriter(string name, long inChannels, long height, long width)
    {
        _name = name;
        _inputShape = [inChannels, height, width];
    }

    /// <summary>The input's value name, <c>input</c>.</summary>
    public string Input => "input";

    /// <summary>
    /// Convolution; <paramref name="weight"/> is <c>[outChannels, inPerGroup, kernel, kernel]</c>,
    /// <paramref name="bias"/> <c>[outChannels]</c> or null.
    /// </summary>
    public string Conv(string x, float[] weight, float[]? bias, int outChannels, int inPerGroup, int kernel, int stride,
        int padding, int groups)
    {
        string[] inputs = bias is null
            ? [x, _g.Constant("w", weight, outChannels, inPerGroup, kernel, kernel)]
            : [x, _g.Constant("w", weight, outChannels, inPerGroup, kernel, kernel), _g.Constant("b", bias,
                outChannels)];
        return _g.Add("Conv", inputs,
            new OnnxAttribute("kernel_shape", Ints: [kernel, kernel]),
            new OnnxAttribute("strides", Ints: [stride, stride]),
            new OnnxAttribute("pads", Ints: [padding, padding, padding, padding]),
            new OnnxAttribute("group", Int: groups));
    }

    /// <summary>max(x, 0).</summary>
    public string Relu(string x) => _g.Relu(x);

    /// <summary>min(max(x, 0), 6), as <c>Clip</c> with constant bounds.</summary>
    public string Relu6(string x) => _g.Add("Clip", [x, _g.Constant("zero", [0f]), _g.Constant("six", [6f])]);

    /// <summary>Element-wise sum.</summary>
    public string Add(string a, string b) => _g.Add("Add", [a, b]);

    /// <summary>Concatenation along channels.</summary>
    public string Concat(params string[] xs) => _g.Concat(xs);

    /// <summary>
    /// Channel shuffle of <paramref name="channels"/> channels in <paramref name="groups"/> groups: Reshape, Transpose,
    /// Reshape.
    /// </summary>
    public string ChannelShuffle(string x, int groups, long channels)
    {
        var shape = _g.Add("Shape", [x]);
        var split = _g.Add("Reshape", [x, _g.Int64Constant("shuffle_shape", 0, groups, channels / groups, -1)]);
        var swapped = _g.Add("Transpose", [split], new OnnxAttribute("perm", Ints: [0, 2, 1, 3]));
        return _g.Add("Reshape", [swapped, shape]);
    }

    /// <summary>Max pooling (floor mode).</summary>
    public string MaxPool(string x, int kernel, int stride, int padding) => Pool("MaxPool", x, kernel, stride, padding);

    /// <summary>Average pooling with padding counted, as PyTorch's <c>AvgPool2d</c> default.</summary>
    public string AveragePool(string x, int kernel, int stride, int padding) =>
        Pool("AveragePool", x, kernel, stride, padding, new OnnxAttribute("count_include_pad", Int: 1));

    /// <summary>Global average pooling and flatten: <c>[N, C, H, W]</c> to <c>[N, C]</c>.</summary>
    public string GlobalAveragePool(string x) => _g.Add("Flatten", [_g.Add("GlobalAveragePool", [x])],
        new OnnxAttribute("axis", Int: 1));

    /// <summary>
    /// Fully connected layer: <paramref name="weight"/> <c>[outFeatures, inFeatures]</c>, <paramref name="bias"/>
    /// <c>[outFeatures]</c>.
    /// </summary>
    public string Linear(string x, float[] weight, float[] bias, int outFeatures, int inFeatures) =>
        _g.Add("Gemm", [x, _g.Constant("fc_w", weight, outFeatures, inFeatures), _g.Constant("fc_b", bias,
            outFeatures)], new OnnxAttribute("transB", Int: 1));

    /// <summary>
    /// The serialised model with <paramref name="output"/> as its only output, of per-image shape
    /// <paramref name="outputShape"/> (batch excluded).
    /// </summary>
    /// <exception cref="OnnxExportException">The opset is outside 13 to
    /// <see cref="OnnxExporter.MaxOpset"/>.</exception>
    public byte[] ToBytes(string output, long[] outputShape, int opset = ExportOptions.DefaultOpset)
    {
        if (opset < ExportOptions.DefaultOpset || opset > OnnxExporter.MaxOpset)
            throw new OnnxExportException($"opset {opset} is not supported; use {ExportOptions.DefaultOpset} to " +
                $"{OnnxExporter.MaxOpset}");
        // the output gets its public name: rename the node output that produces it
        var graph = new OnnxGraph();
        foreach (var node in _g.Nodes)
            graph.Nodes.Add(node with { Inputs = node.Inputs.Select(Rename).ToArray(),
                Outputs = node.Outputs.Select(Rename).ToArray() });
        graph.Initializers.AddRange(_g.Initializers);
        return OnnxModelWriter.Write(graph, opset, _name, Value(Input, _inputShape), Value("output", outputShape),
            new Dictionary<string, string>());
        string Rename(string v) => v == output ? "output" : v;
    }

    private static OnnxValue Value(string name, long[] perImage) =>
        new(name, [(null, "N"), .. perImage.Select(d => ((long?)d, (string?)null))]);

    private string Pool(string op, string x, int kernel, int stride, int padding,
        params OnnxAttribute[] extra) => _g.Add(op, [x],
    [
        new OnnxAttribute("kernel_shape", Ints: [kernel, kernel]),
        new OnnxAttribute("strides", Ints: [stride, stride]),
        new OnnxAttribute("pads", Ints: [padding, padding, padding, padding]),
        .. extra,
    ]);
}
