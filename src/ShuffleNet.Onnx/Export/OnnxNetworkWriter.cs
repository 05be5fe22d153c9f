using System.Runtime.InteropServices;

namespace ShuffleNet.Onnx.Export;

/// <summary>
/// Writes an arbitrary small convolutional network as an ONNX model, operator by operator: for networks that are not
/// ShuffleNet V2 checkpoints (the guideline micro-benchmarks, reference architectures). Values are named by the
/// strings each method returns; the input is <see cref="Input"/>, <c>[N, C, H, W]</c> float32 with a dynamic batch
/// <c>N</c>. Every operator used has the same semantics from opset 13 to 21.
/// </summary>
public sealed class OnnxNetworkWriter
{
    private const int FloatType = 1, Int64Type = 7, AttrFloat = 1, AttrInt = 2, AttrInts = 7;
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

    /// <summary>Convolution; <paramref name="weight"/> is <c>[outChannels, inPerGroup, kernel, kernel]</c>, <paramref name="bias"/> <c>[outChannels]</c> or null.</summary>
    public string Conv(string x, float[] weight, float[]? bias, int outChannels, int inPerGroup, int kernel, int stride, int padding, int groups)
    {
        string[] inputs = bias is null
            ? [x, _g.Constant("w", weight, outChannels, inPerGroup, kernel, kernel)]
            : [x, _g.Constant("w", weight, outChannels, inPerGroup, kernel, kernel), _g.Constant("b", bias, outChannels)];
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

    /// <summary>Channel shuffle of <paramref name="channels"/> channels in <paramref name="groups"/> groups: Reshape, Transpose, Reshape.</summary>
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
    public string GlobalAveragePool(string x) => _g.Add("Flatten", [_g.Add("GlobalAveragePool", [x])], new OnnxAttribute("axis", Int: 1));

    /// <summary>Fully connected layer: <paramref name="weight"/> <c>[outFeatures, inFeatures]</c>, <paramref name="bias"/> <c>[outFeatures]</c>.</summary>
    public string Linear(string x, float[] weight, float[] bias, int outFeatures, int inFeatures) =>
        _g.Add("Gemm", [x, _g.Constant("fc_w", weight, outFeatures, inFeatures), _g.Constant("fc_b", bias, outFeatures)], new OnnxAttribute("transB", Int: 1));

    /// <summary>The serialised model with <paramref name="output"/> as its only output, of per-image shape <paramref name="outputShape"/> (batch excluded).</summary>
    /// <exception cref="OnnxExportException">The opset is outside 13 to <see cref="OnnxExporter.MaxOpset"/>.</exception>
    public byte[] ToBytes(string output, long[] outputShape, int opset = ExportOptions.DefaultOpset)
    {
        if (opset < ExportOptions.DefaultOpset || opset > OnnxExporter.MaxOpset)
            throw new OnnxExportException($"opset {opset} is not supported; use {ExportOptions.DefaultOpset} to {OnnxExporter.MaxOpset}");
        var g = new ProtoWriter();
        foreach (var node in _g.Nodes)
        {
            // the output gets its public name: rename the node output that produces it
            var outs = node.Outputs.Select(o => o == output ? "output" : o).ToArray();
            var ins = node.Inputs.Select(i => i == output ? "output" : i).ToArray();
            g.Message(1, Node(node with { Inputs = ins, Outputs = outs }));
        }
        g.String(2, _name);
        foreach (var init in _g.Initializers) g.Message(5, Tensor(init));
        g.Message(11, ValueInfo(Input, _inputShape));
        g.Message(12, ValueInfo("output", outputShape));
        var m = new ProtoWriter()
            .Int64(1, OnnxModelWriter.IrVersion(opset))
            .String(2, "ShuffleNet.Onnx")
            .String(3, typeof(OnnxNetworkWriter).Assembly.GetName().Version?.ToString() ?? "0")
            .Int64(5, 1)
            .Message(7, g)
            .Message(8, new ProtoWriter().String(1, "").Int64(2, opset));
        return m.ToArray();
    }

    private string Pool(string op, string x, int kernel, int stride, int padding, params OnnxAttribute[] extra) => _g.Add(op, [x],
    [
        new OnnxAttribute("kernel_shape", Ints: [kernel, kernel]),
        new OnnxAttribute("strides", Ints: [stride, stride]),
        new OnnxAttribute("pads", Ints: [padding, padding, padding, padding]),
        .. extra,
    ]);

    // onnx.proto3 field numbers, as OnnxModelWriter writes them
    private static ProtoWriter ValueInfo(string name, long[] perImage)
    {
        var shape = new ProtoWriter().Message(1, new ProtoWriter().String(2, "N"));
        foreach (var d in perImage) shape.Message(1, new ProtoWriter().Int64(1, d));
        var tensorType = new ProtoWriter().Int64(1, FloatType).Message(2, shape);
        return new ProtoWriter().String(1, name).Message(2, new ProtoWriter().Message(1, tensorType));
    }

    private static ProtoWriter Node(OnnxNode node)
    {
        var w = new ProtoWriter();
        foreach (var i in node.Inputs) w.String(1, i);
        foreach (var o in node.Outputs) w.String(2, o);
        w.String(3, node.Name).String(4, node.OpType);
        foreach (var a in node.Attributes)
        {
            var attr = new ProtoWriter().String(1, a.Name);
            if (a.Float is { } f) attr.Float(2, f).Int64(20, AttrFloat);
            else if (a.Int is { } i) attr.Int64(3, i).Int64(20, AttrInt);
            else attr.PackedInt64(8, a.Ints!).Int64(20, AttrInts);
            w.Message(5, attr);
        }
        return w;
    }

    private static ProtoWriter Tensor(OnnxInitializer t)
    {
        var w = new ProtoWriter().PackedInt64(1, t.Dims);
        if (t.Floats is { } f) w.Int64(2, FloatType).String(8, t.Name).Bytes(9, MemoryMarshal.AsBytes(f.AsSpan()));
        else w.Int64(2, Int64Type).String(8, t.Name).Bytes(9, MemoryMarshal.AsBytes(t.Longs!.AsSpan()));
        return w;
    }
}
