using Google.Protobuf;

namespace ShuffleNet.Onnx.Tests;

/// <summary>
/// Reads back the top-level fields of an ONNX ModelProto with a plain protobuf reader, independent of the
/// exporter's writer: IR version, opsets, metadata, the graph's nodes (operator type and input names) and
/// the shapes and data types of its initializers, each node's outputs and domain, the graph's input and output names.
/// </summary>
internal sealed record OnnxModelInfo(long IrVersion, Dictionary<string, long> Opsets,
    Dictionary<string, string> Metadata, List<string> OpTypes,
    List<(string OpType, string[] Inputs)> Nodes, Dictionary<string, long[]> InitializerDims)
{
    public List<(string Domain, string[] Outputs)> NodeOutputs { get; } = [];
    public Dictionary<string, long> InitializerTypes { get; } = [];
    public Dictionary<string, byte[]> InitializerBytes { get; } = [];
    public List<string> GraphInputs { get; } = [];
    public List<string> GraphOutputs { get; } = [];

    public static OnnxModelInfo Read(byte[] model)
    {
        var info = new OnnxModelInfo(0, [], [], [], [], []);
        long ir = 0;
        foreach (var (field, value) in Fields(model))
        {
            if (field == 1) ir = (long)value.Varint;
            else if (field == 8) { var f = Fields(value.Bytes).ToDictionary(x => x.Field, x => x.Value);
                info.Opsets[f.TryGetValue(1, out var d) ? d.Text : ""] = (long)f[2].Varint; }
            else if (field == 14) { var f = Fields(value.Bytes).ToDictionary(x => x.Field, x => x.Value);
                info.Metadata[f[1].Text] = f[2].Text; }
            else if (field == 7)
                foreach (var (gf, item) in Fields(value.Bytes))
                {
                    if (gf == 1)
                    {
                        var node = Fields(item.Bytes);
                        var op = node.First(x => x.Field == 4).Value.Text;
                        info.OpTypes.Add(op);
                        info.Nodes.Add((op, node.Where(x => x.Field == 1).Select(x => x.Value.Text).ToArray()));
                        info.NodeOutputs.Add((node.FirstOrDefault(x => x.Field == 7).Value.Bytes is { } d
                            ? System.Text.Encoding.UTF8.GetString(d) : "",
                            node.Where(x => x.Field == 2).Select(x => x.Value.Text).ToArray()));
                    }
                    else if (gf is 11 or 12)
                        (gf == 11 ? info.GraphInputs : info.GraphOutputs).Add(Fields(item.Bytes)
                            .First(x => x.Field == 1).Value.Text);
                    else if (gf == 5)
                    {
                        var tensor = Fields(item.Bytes);
                        var dims = tensor.Where(x => x.Field == 1).SelectMany(x => x.Value.Bytes.Length > 0
                            ? Packed(x.Value.Bytes) : [(long)x.Value.Varint]);
                        var name = tensor.First(x => x.Field == 8).Value.Text;
                        info.InitializerDims[name] = dims.ToArray();
                        info.InitializerTypes[name] = (long)tensor.First(x => x.Field == 2).Value.Varint;
                        info.InitializerBytes[name] = tensor.FirstOrDefault(x => x.Field == 9).Value.Bytes ?? [];
                    }
                }
        }
        return info with { IrVersion = ir };
    }

    internal readonly record struct Value(ulong Varint, byte[] Bytes)
    {
        public string Text => System.Text.Encoding.UTF8.GetString(Bytes);
    }

    private static IEnumerable<long> Packed(byte[] bytes)
    {
        var input = new CodedInputStream(bytes);
        var values = new List<long>();
        while (!input.IsAtEnd) values.Add(input.ReadInt64());
        return values;
    }

    private static IEnumerable<(int Field, Value Value)> Fields(byte[] message)
    {
        var input = new CodedInputStream(message);
        var result = new List<(int, Value)>();
        for (uint tag; (tag = input.ReadTag()) != 0;)
        {
            int field = WireFormat.GetTagFieldNumber(tag);
            switch (WireFormat.GetTagWireType(tag))
            {
                case WireFormat.WireType.Varint: result.Add((field, new Value(input.ReadUInt64(), []))); break;
                case WireFormat.WireType.LengthDelimited: result.Add((field, new Value(0, input.ReadBytes()
                    .ToByteArray()))); break;
                default: input.SkipLastField(); break;
            }
        }
        return result;
    }
}
