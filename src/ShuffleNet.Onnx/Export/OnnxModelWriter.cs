using System.Runtime.InteropServices;

namespace ShuffleNet.Onnx.Export;

/// <summary>One float32 graph input or output: its name and dimensions, each a fixed size or a symbolic name.</summary>
internal sealed record OnnxValue(string Name, params (long? Size, string? Param)[] Dims);

/// <summary>
/// Serialises an <see cref="OnnxGraph"/> as an ONNX <c>ModelProto</c> (field numbers from onnx/onnx.proto3), with one
/// float32 input and one float32 output. Both writers use it: the ShuffleNet V2 exporter and
/// <c>Experiments.OnnxNetworkWriter</c>.
/// </summary>
internal static class OnnxModelWriter
{
    private const int FloatType = OnnxDataType.Float, Int64Type = OnnxDataType.Int64;
    private const int AttrFloat = 1, AttrInt = 2, AttrInts = 7;

    /// <summary>The IR version that goes with an opset (onnx/docs/Versioning.md).</summary>
    public static long IrVersion(int opset) => opset switch { <= 14 => 7, <= 18 => 8, <= 20 => 9, _ => 10 };

    /// <summary>
    /// The model's bytes; <paramref name="extraOutputs"/> are more float32 outputs of unknown shape (calibration).
    /// </summary>
    public static byte[] Write(OnnxGraph graph, int opset, string graphName, OnnxValue input, OnnxValue output,
        IReadOnlyDictionary<string, string> metadata, IEnumerable<string>? extraOutputs = null)
    {
        var g = new ProtoWriter();
        foreach (var node in graph.Nodes) g.Message(1, Node(node));
        g.String(2, graphName);
        foreach (var init in graph.Initializers) g.Message(5, Tensor(init));
        g.Message(11, ValueInfo(input));
        g.Message(12, ValueInfo(output));
        foreach (var name in extraOutputs ?? [])
            g.Message(12, new ProtoWriter().String(1, name).Message(2, new ProtoWriter().Message(1, new ProtoWriter()
                .Int64(1, FloatType))));

        var m = new ProtoWriter()
            .Int64(1, IrVersion(opset))
            .String(2, "ShuffleNet.Onnx")
            .String(3, typeof(OnnxModelWriter).Assembly.GetName().Version?.ToString() ?? "0")
            .Int64(5, 1)
            .Message(7, g)
            .Message(8, new ProtoWriter().String(1, "").Int64(2, opset));
        foreach (var (key, value) in metadata) m.Message(14, new ProtoWriter().String(1, key).String(2, value));
        return m.ToArray();
    }

    private static ProtoWriter ValueInfo(OnnxValue value)
    {
        var shape = new ProtoWriter();
        foreach (var (size, param) in value.Dims)
            shape.Message(1, size is { } v ? new ProtoWriter().Int64(1, v) : new ProtoWriter().String(2, param!));
        var tensorType = new ProtoWriter().Int64(1, FloatType).Message(2, shape);
        return new ProtoWriter().String(1, value.Name).Message(2, new ProtoWriter().Message(1, tensorType));
    }

    private static ProtoWriter Node(OnnxNode node)
    {
        var w = new ProtoWriter();
        foreach (var i in node.Inputs) w.String(1, i);
        foreach (var o in node.Outputs) w.String(2, o);
        w.String(3, node.Name).String(4, node.OpType);
        foreach (var a in node.Attributes) w.Message(5, Attribute(a));
        return w;
    }

    private static ProtoWriter Attribute(OnnxAttribute a)
    {
        var w = new ProtoWriter().String(1, a.Name);
        if (a.Float is { } f) w.Float(2, f).Int64(20, AttrFloat);
        else if (a.Int is { } i) w.Int64(3, i).Int64(20, AttrInt);
        else if (a.Ints is { } ints) w.PackedInt64(8, ints).Int64(20, AttrInts);
        else throw new InvalidOperationException($"attribute '{a.Name}' has no value");
        return w;
    }

    // raw_data, little-endian, as torch.onnx.export writes initializers
    private static ProtoWriter Tensor(OnnxInitializer t)
    {
        var w = new ProtoWriter().PackedInt64(1, t.Dims);
        if (t.Floats is { } f) w.Int64(2, FloatType).String(8, t.Name).Bytes(9, MemoryMarshal.AsBytes(f.AsSpan()));
        else if (t.Raw is { } raw) w.Int64(2, t.RawType).String(8, t.Name).Bytes(9, raw);
        else w.Int64(2, Int64Type).String(8, t.Name).Bytes(9, MemoryMarshal.AsBytes(t.Longs!.AsSpan()));
        return w;
    }
}
