using Microsoft.ML.OnnxRuntime;
using ShuffleNet.Checkpoints;
using ShuffleNet.Onnx.Quantization;

namespace ShuffleNet.Onnx.Tests.Quantization;

/// <summary>
/// The QDQ model is valid ONNX: standard opset-13 operators only, every value defined before it is read, integer
/// tensors of the types QuantizeLinear and DequantizeLinear require, and ONNX Runtime accepts it with its
/// optimisations off (it resolves every node against ONNX's schemas and infers every type). ONNX's own Python
/// checker passed on these models when they were written: <c>tools/reference/check_onnx.py</c>, recorded in
/// <c>benchmarks/int8/results.md</c>.
/// </summary>
public class QdqModelValidityTests
{
    private const long Float = 1, UInt8 = 2, Int8 = 3, Int32 = 6;

    public static TheoryData<Width, bool, bool> Variants()
    {
        var data = new TheoryData<Width, bool, bool>();
        foreach (var w in Enum.GetValues<Width>()) data.Add(w, false, false);
        data.Add(Width.X1_0, true, true);
        return data;
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Qdq_model_is_standard_onnx_and_onnx_runtime_resolves_it_unoptimised(Width width, bool keepFp32,
        bool perTensor)
    {
        var options = new QuantizeOptions { ImageSize = 64, KeepStemFp32 = keepFp32, KeepHeadFp32 = keepFp32,
            PerChannel = !perTensor };
        var model = Quantize(TestData.RandomStateDict(width), options);
        var info = OnnxModelInfo.Read(model);

        Assert.Equal(13, info.Opsets[""]);
        Assert.Single(info.Opsets);
        Assert.All(info.NodeOutputs, n => Assert.Equal("", n.Domain));
        Assert.Subset(new HashSet<string> { "QuantizeLinear", "DequantizeLinear", "Conv", "Relu", "MaxPool", "Split",
            "Concat",
            "GlobalAveragePool", "Flatten", "Gemm" }, info.OpTypes.ToHashSet());
        var defined = info.GraphInputs.Concat(info.InitializerDims.Keys).ToHashSet();
        for (int i = 0; i < info.Nodes.Count; i++)
        {
            Assert.All(info.Nodes[i].Inputs, input => Assert.Contains(input, defined));   // topological order
            foreach (var output in info.NodeOutputs[i].Outputs) Assert.True(defined.Add(output),
                $"'{output}' is written twice");
        }
        Assert.Equal(["logits"], info.GraphOutputs);
        Assert.Contains("logits", defined);

        using var so = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
        using var session = new InferenceSession(model, so);
        Assert.Equal([-1, 3, 64, 64], session.InputMetadata["input"].Dimensions);
    }

    [Fact]
    public void Every_conv_reads_dequantized_int8_weights_and_int32_bias_with_a_scale_per_output_channel()
    {
        var model = Quantize(TestData.RandomStateDict(Width.X0_5), new QuantizeOptions { ImageSize = 64 });
        var info = OnnxModelInfo.Read(model);
        var producer = new Dictionary<string, int>();
        for (int i = 0; i < info.Nodes.Count; i++) foreach (var o in info.NodeOutputs[i].Outputs) producer[o] = i;
        var convs = Enumerable.Range(0, info.Nodes.Count).Where(i => info.Nodes[i].OpType == "Conv").ToList();

        Assert.Equal(56, convs.Count);   // 0.5x: stem, 3 + 13 blocks' convs, conv5
        foreach (var c in convs)
        {
            var dq = info.Nodes[c].Inputs.Select(input => info.Nodes[producer[input]]).ToList();
            Assert.All(dq, n => Assert.Equal("DequantizeLinear", n.OpType));
            var (w, b) = (dq[1].Inputs, dq[2].Inputs);
            long outs = info.InitializerDims[w[0]][0];
            Assert.Equal((Int8, Float, Int8), (info.InitializerTypes[w[0]], info.InitializerTypes[w[1]],
                info.InitializerTypes[w[2]]));
            Assert.Equal((Int32, Float, Int32), (info.InitializerTypes[b[0]], info.InitializerTypes[b[1]],
                info.InitializerTypes[b[2]]));
            Assert.Equal([outs], info.InitializerDims[w[1]]);
            Assert.Equal([outs], info.InitializerDims[b[1]]);
            Assert.Contains(info.InitializerTypes[dq[0].Inputs[2]], new[] { UInt8 });   // uint8 activations by default
        }
    }

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void Split_and_concat_move_8_bit_values_that_share_their_stages_scale(Width width)
    {
        var info = OnnxModelInfo.Read(Quantize(TestData.RandomStateDict(width),
            new QuantizeOptions { ImageSize = 64 }));
        var producer = new Dictionary<string, int>();
        for (int i = 0; i < info.Nodes.Count; i++) foreach (var o in info.NodeOutputs[i].Outputs) producer[o] = i;
        var readers = info.Nodes.SelectMany((n, i) => n.Inputs.Select(input => (input, i))).ToLookup(x => x.input,
            x => x.i);
        float Scalar(string name) => BitConverter.ToSingle(info.InitializerBytes[name]);
        // the QuantizeLinear a Split or Concat input comes from, through other Splits and Concats: its (scale, zero
        // point)
        (float, byte) Origin(string value)
        {
            var node = info.Nodes[producer[value]];
            if (node.OpType is "Split" or "Concat") return Origin(node.Inputs[0]);
            Assert.Equal("QuantizeLinear", node.OpType);
            return (Scalar(node.Inputs[1]), info.InitializerBytes[node.Inputs[2]][0]);
        }

        var concats = Enumerable.Range(0, info.Nodes.Count).Where(i => info.Nodes[i].OpType == "Concat").ToList();
        // one per block input after the first, one per stage end
        Assert.Equal(ShuffleNetV2Layout.Widths[width].Repeats.Sum(), concats.Count);
        foreach (var c in concats)
        {
            var origins = info.Nodes[c].Inputs.Select(Origin).Distinct().ToList();
            var (scale, zero) = Assert.Single(origins);
            Assert.Equal(0, zero);   // ReLU outputs
            // whoever reads the concatenation dequantizes it with that same scale
            foreach (var r in readers[info.NodeOutputs[c].Outputs[0]])
            {
                Assert.Equal("DequantizeLinear", info.Nodes[r].OpType);
                Assert.Equal(scale, Scalar(info.Nodes[r].Inputs[1]));
            }
        }
    }

    public static TheoryData<Width> AllWidths() => new(Enum.GetValues<Width>());

    private static byte[] Quantize(StateDict sd, QuantizeOptions options)
    {
        var ranges = new Dictionary<string, ActivationRange>();
        using (var calibrator = new Calibrator(QuantizedExporter.CalibrationModel(sd, options)))
            ranges = calibrator.Calibrate([new ImageBatch(TestData.RandomInput(2 * 3 * 64 * 64), 2)]);
        return QuantizedExporter.ExportToBytes(sd, ranges, options);
    }
}
