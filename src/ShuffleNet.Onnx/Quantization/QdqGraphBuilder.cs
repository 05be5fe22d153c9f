using ShuffleNet.Checkpoints;
using ShuffleNet.Onnx.Export;

namespace ShuffleNet.Onnx.Quantization;

/// <summary>
/// ShuffleNet V2 as a QDQ graph (<see cref="QdqWriter"/>), or as its float32 calibration graph. BatchNorm is folded
/// into the convs and channel shuffles into weight order, as in <see cref="OptimizedGraphBuilder"/>
/// (<see cref="StagePlan"/>): each branch output is written sorted by the block that reads each channel, split by
/// reader, and each block's input is a concatenation of pieces.
/// </summary>
/// <remarks>
/// Quantization points (one scale each): <c>input</c>, <c>stem</c>, every block's two inner convs, one shared point per
/// stage for all its branch outputs (<c>stage0</c> ...), <c>conv5</c> and <c>pool</c>. Because a stage's branch
/// outputs share one scale, its Splits and Concats move the 8-bit values as they are, with no requantization. No
/// channel padding (the float export's NCHWc blocks of 16): ONNX Runtime's int8 kernels take any channel count.
/// </remarks>
internal sealed class QdqGraphBuilder(StateDict sd, QdqWriter q, QuantizeOptions o, StemOptions stem)
{
    /// <summary>The point whose range quantizes the graph input.</summary>
    public const string InputPoint = "input";

    private readonly OnnxGraph g = q.Graph;

    /// <summary>A graph value, the channel id at each of its channels, and the point it was quantized with.</summary>
    private sealed record Tensor(string Name, int[] Ids, string Point);

    public string Build(Width width, int numClasses)
    {
        var spec = ShuffleNetV2Layout.Widths[width];
        var logical = Identity(spec.StemChannels);
        var x = Stem(logical);
        int nextId = spec.StemChannels;
        for (int s = 0; s < spec.Repeats.Length; s++)
        {
            var plan = new StagePlan(spec.Repeats[s], spec.Channels[s + 1] / 2, nextId);
            var pieces = new Dictionary<int, List<Tensor>>();
            string stage = $"stage{s}", p = $"backbone.layers.{s}.0";
            var order = IndexIn(logical, x.Ids);
            var dw = Depthwise(x.Name, x.Point, $"{p}.branch1.0", order, 2);
            Produce(dw, $"{p}.branch1.0", $"{p}.branch1.1", order, plan.Branch1, plan, stage, pieces);
            var mid = Identity(plan.Branch1.Length);
            var y = Dense(x.Name, x.Point, $"{p}.branch2.0", mid, order, $"{p}.branch2.0");
            y = Depthwise(y, $"{p}.branch2.0", $"{p}.branch2.1", mid, 2);
            Produce(y, $"{p}.branch2.1", $"{p}.branch2.2", mid, plan.Branch2, plan, stage, pieces);
            for (int k = 1; k < spec.Repeats[s]; k++)
            {
                p = $"backbone.layers.{s}.{k}";
                var input = Join(pieces[k], stage);
                var blockInput = plan.BlockInputs[k - 1];
                mid = Identity(blockInput.Length / 2);
                y = Dense(input.Name, stage, $"{p}.branch2.0", mid, IndexIn(blockInput[(blockInput.Length / 2)..],
                    input.Ids), $"{p}.branch2.0");
                y = Depthwise(y, $"{p}.branch2.0", $"{p}.branch2.1", mid, 1);
                Produce(y, $"{p}.branch2.1", $"{p}.branch2.2", mid, plan.Outputs[k - 1], plan, stage, pieces);
            }
            x = Join(pieces[StagePlan.StageEnd], stage);
            logical = plan.FinalLogical;
            nextId = plan.NextId;
        }
        var conv5 = Dense(x.Name, x.Point, $"backbone.layers.{spec.Repeats.Length}", Identity(spec.FeatureChannels),
            IndexIn(logical, x.Ids), "conv5");
        var fcWeight = sd["head.fc.weight"].ToFloat32();
        var fcBias = sd["head.fc.bias"].ToFloat32();
        if (q.Calibrating || o.KeepHeadFp32)
        {
            var features = q.Calibrating ? conv5 : q.Dequantize(conv5, "conv5");
            var pooledFloat = q.Observe(g.Add("GlobalAveragePool", [features]), "pool");
            var flatFloat = g.Add("Flatten", [pooledFloat], new OnnxAttribute("axis", Int: 1));
            return q.Linear(flatFloat, null, fcWeight, fcBias, numClasses, spec.FeatureChannels, "logits");
        }
        var pooled = q.Quantize(g.Add("GlobalAveragePool", [q.Dequantize(conv5, "conv5")]), "pool");
        var flat = g.Add("Flatten", [pooled], new OnnxAttribute("axis", Int: 1));
        return q.Linear(flat, "pool", fcWeight, fcBias, numClasses, spec.FeatureChannels, "logits");
    }

    // conv1 (+ max-pool): 8-bit from the quantized input, or float32 and quantized after
    private Tensor Stem(int[] logical)
    {
        var c = FoldedConv.Load(sd, "backbone.conv1");
        if (q.Calibrating)
        {
            var y = g.Relu(g.Conv("input", c.Weight, c.Bias, c.OutChannels, c.InPerGroup, c.Kernel, stem.Stride, 1,
                "backbone.conv1"));
            return new Tensor(q.Observe(stem.MaxPool ? g.MaxPool3x3s2(y) : y, "stem"), logical, "stem");
        }
        if (o.KeepStemFp32)
        {
            // padded to whole blocks of 16 channels, as in the float export (ONNX Runtime's NCHWc conv writes them
            // anyway)
            var ids = logical.Concat(StageLayout.Zeros(StageLayout.Pad(logical.Length) - logical.Length)).ToArray();
            var (w, b) = c.Permuted(IndexIn(logical, ids), Identity(c.InPerGroup));
            var y = q.Quantize(g.Relu(g.Conv("input", w, b, ids.Length, c.InPerGroup, c.Kernel, stem.Stride, 1,
                "backbone.conv1")), "stem");
            return new Tensor(stem.MaxPool ? g.MaxPool3x3s2(y) : y, ids, "stem");
        }
        var x = q.Quantize("input", InputPoint);
        x = q.Conv(x, InputPoint, c.Weight, c.Bias, c.OutChannels, c.InPerGroup, c.Kernel, stem.Stride, 1, "stem",
            relu: true, "backbone.conv1",
            weightZeroPoint: o.StemGemm ? 1 : 0);
        // max of 8-bit values is the 8-bit max: MaxPool runs on them as they are
        return new Tensor(stem.MaxPool ? g.MaxPool3x3s2(x) : x, logical, "stem");
    }

    // a branch's last conv: its output sorted by the block that reads each channel, split by reader
    private void Produce(string x, string xPoint, string prefix, int[] inOrder, int[] logicalOut, StagePlan plan,
        string stage,
        Dictionary<int, List<Tensor>> pieces)
    {
        var groups = logicalOut.GroupBy(plan.ConsumedBy).OrderBy(gr => gr.Key).Select(gr => gr.ToArray()).ToList();
        if (o.SplitByConvs)
        {
            foreach (var group in groups)
            {
                var piece = Dense(x, xPoint, prefix, IndexIn(logicalOut, group), inOrder, stage);
                if (!q.Calibrating && !o.IntegerSplitConcat) piece = q.Dequantize(piece, stage);
                int consumer = plan.ConsumedBy(group[0]);
                (pieces.TryGetValue(consumer, out var l) ? l : pieces[consumer] = []).Add(new Tensor(piece, group,
                    stage));
            }
            return;
        }
        var ids = groups.SelectMany(gr => gr).ToArray();
        var y = Dense(x, xPoint, prefix, IndexIn(logicalOut, ids), inOrder, stage);
        if (!q.Calibrating && !o.IntegerSplitConcat) y = q.Dequantize(y, stage);
        var names = g.SplitChannels(y, groups.Select(gr => (long)gr.Length).ToArray());
        for (int i = 0; i < names.Length; i++)
        {
            int reader = plan.ConsumedBy(groups[i][0]);
            (pieces.TryGetValue(reader, out var list) ? list : pieces[reader] = []).Add(new Tensor(names[i], groups[i],
                stage));
        }
    }

    // a reader's input: its pieces concatenated
    private Tensor Join(List<Tensor> parts, string stage)
    {
        var name = g.Concat(parts.Select(t => t.Name).ToArray());
        if (!q.Calibrating && !o.IntegerSplitConcat) name = q.Quantize(name, stage);
        return new Tensor(name, parts.SelectMany(t => t.Ids).ToArray(), stage);
    }

    // a 1x1 conv with ReLU
    private string Dense(string x, string xPoint, string prefix, int[] outOrder, int[] inOrder, string yPoint)
    {
        var c = FoldedConv.Load(sd, prefix);
        var (w, b) = c.Permuted(outOrder, inOrder);
        return q.Conv(x, xPoint, w, b, outOrder.Length, inOrder.Length, c.Kernel, 1, 1, yPoint, relu: true, prefix);
    }

    // a 3x3 depthwise conv (no ReLU), channels in the order of its input; its output is its own point
    private string Depthwise(string x, string xPoint, string prefix, int[] order, int stride)
    {
        var c = FoldedConv.Load(sd, prefix);
        var (w, b) = c.PermutedDepthwise(order);
        return q.Conv(x, xPoint, w, b, order.Length, 1, c.Kernel, stride, order.Length, prefix, relu: false, prefix);
    }

    private static int[] Identity(int n) => Enumerable.Range(0, n).ToArray();

    // for each physical channel, its index in the reader's logical input
    private static int[] IndexIn(int[] logicalIds, int[] physicalIds)
    {
        var index = new Dictionary<int, int>(logicalIds.Length);
        for (int i = 0; i < logicalIds.Length; i++) index[logicalIds[i]] = i;
        return physicalIds.Select(id => index.TryGetValue(id, out var i) ? i : -1).ToArray();
    }
}
