using ShuffleNet.Checkpoints;

namespace ShuffleNet.Onnx.Export;

/// <summary>
/// ShuffleNet V2 with BatchNorm folded and no channel shuffle, split or per-block concat of the whole
/// tensor. Every channel's consumer is known in advance (<see cref="StagePlan"/>): the stride-1 block whose
/// x2 half reads it, or the stage end. Each branch output is split once, by consumer, into pieces; a
/// block's x2 is the Concat of the pieces addressed to it, and each conv reads and writes its channels in
/// whatever order the pieces hold them, by permuting its weights. So a channel is copied twice in its life
/// (split, concat), where the literal graph copies both halves of every block three times.
/// Channel counts are padded with zero channels to multiples of 16, so ONNX Runtime keeps every conv and
/// the max-pool in its NCHWc layout (it refuses 58 channels; its plain NCHW depthwise conv is slow).
/// </summary>
internal sealed class OptimizedGraphBuilder(StateDict sd, OnnxGraph g)
{
    private const int Align = 16;
    private readonly Dictionary<int, int> _padConsumer = [];

    /// <summary>A graph value and the channel id at each of its channels (negative: a zero padding channel).</summary>
    private sealed record Tensor(string Name, int[] Ids);

    public string Build(Width width, int numClasses)
    {
        var spec = ShuffleNetV2Layout.Widths[width];
        // the stem is padded too: ORT runs MaxPool in NCHWc only on whole blocks of 16 channels
        var logical = Identity(spec.StemChannels);
        var stemIds = logical.Concat(Pads(Pad(spec.StemChannels) - spec.StemChannels, StagePlan.StageEnd)).ToArray();
        var x = new Tensor(g.MaxPool3x3s2(Conv("input", "backbone.conv1", IndexIn(logical, stemIds), Identity(3), 2, relu: true)), stemIds);
        int nextId = spec.StemChannels;
        for (int s = 0; s < spec.Repeats.Length; s++)
        {
            var plan = new StagePlan(spec.Repeats[s], spec.Channels[s + 1] / 2, nextId);
            var pieces = DownsampleBlock(x, logical, plan, $"backbone.layers.{s}.0");
            for (int k = 1; k < spec.Repeats[s]; k++)
                StrideOneBlock(pieces, plan, k, $"backbone.layers.{s}.{k}");
            x = Join(pieces);
            logical = plan.FinalLogical;
            nextId = plan.NextId;
        }
        var conv5 = Conv(x.Name, $"backbone.layers.{spec.Repeats.Length}", Identity(spec.FeatureChannels), IndexIn(logical, x.Ids), 1, relu: true);
        return g.PoolAndLinear(conv5, sd["head.fc.weight"].ToFloat32(), sd["head.fc.bias"].ToFloat32(), numClasses, spec.FeatureChannels, "logits");
    }

    private List<Tensor> DownsampleBlock(Tensor x, int[] logical, StagePlan plan, string p)
    {
        var inOrder = IndexIn(logical, x.Ids);
        int b = plan.Branch1.Length;
        var dw = Depthwise(x.Name, $"{p}.branch1.0", inOrder, 2);
        var b1Ids = ByConsumer(plan, plan.Branch1);
        var b1 = Conv(dw, $"{p}.branch1.1", IndexIn(plan.Branch1, b1Ids), inOrder, 1, relu: true);
        // padding joins branch1's channels in the first x2, and rounds its width up to a multiple of 16
        var b2Ids = ByConsumer(plan, [.. plan.Branch2, .. Pads(Pad(b) - b, plan.Outputs.Count > 0 ? 1 : StagePlan.StageEnd)]);
        var b2 = Branch2(x.Name, p, inOrder, IndexIn(plan.Branch2, b2Ids), b, 2);
        return [.. SplitByConsumer(new Tensor(b1, b1Ids), plan), .. SplitByConsumer(new Tensor(b2, b2Ids), plan)];
    }

    private void StrideOneBlock(List<Tensor> pieces, StagePlan plan, int k, string p)
    {
        var mine = pieces.Where(t => ConsumedBy(plan, t.Ids[0]) == k).ToList();
        pieces.RemoveAll(mine.Contains);
        var x2 = Join(mine);
        var blockInput = plan.BlockInputs[k - 1];
        var x2Logical = blockInput[(blockInput.Length / 2)..];
        int b = x2Logical.Length;
        // f's padding rounds the next x2 up to a multiple of 16; after the last block, the stage output
        int keptWidth = pieces.Sum(t => t.Ids.Length);
        var pads = k == plan.Outputs.Count ? Pads((Align - (keptWidth + b) % Align) % Align, StagePlan.StageEnd) : Pads(Pad(b) - b, k + 1);
        var fIds = ByConsumer(plan, [.. plan.Outputs[k - 1], .. pads]);
        var f = Branch2(x2.Name, p, IndexIn(x2Logical, x2.Ids), IndexIn(plan.Outputs[k - 1], fIds), b, 1);
        pieces.AddRange(SplitByConsumer(new Tensor(f, fIds), plan));
    }

    private string Branch2(string x, string p, int[] inOrder, int[] outOrder, int branch, int stride)
    {
        var mid = Enumerable.Range(0, Pad(branch)).Select(i => i < branch ? i : -1).ToArray();
        x = Conv(x, $"{p}.branch2.0", mid, inOrder, 1, relu: true);
        x = Depthwise(x, $"{p}.branch2.1", mid, stride);
        return Conv(x, $"{p}.branch2.2", outOrder, mid, 1, relu: true);
    }

    // one Split into runs of equal consumer; ids must already be ordered by consumer
    private List<Tensor> SplitByConsumer(Tensor t, StagePlan plan)
    {
        var groups = t.Ids.GroupBy(id => ConsumedBy(plan, id)).Select(grp => grp.ToArray()).ToList();
        var names = g.SplitChannels(t.Name, groups.Select(grp => (long)grp.Length).ToArray());
        return groups.Select((ids, i) => new Tensor(names[i], ids)).ToList();
    }

    private Tensor Join(List<Tensor> pieces) =>
        new(g.Concat(pieces.Select(t => t.Name).ToArray()), pieces.SelectMany(t => t.Ids).ToArray());

    private int[] ByConsumer(StagePlan plan, int[] ids) => ids.OrderBy(id => ConsumedBy(plan, id)).ToArray();

    private string Conv(string x, string prefix, int[] outOrder, int[] inOrder, int stride, bool relu)
    {
        var c = FoldedConv.Load(sd, prefix);
        var (w, b) = c.Permuted(outOrder, inOrder);
        var y = g.Conv(x, w, b, outOrder.Length, inOrder.Length, c.Kernel, stride, 1, prefix);
        return relu ? g.Relu(y) : y;
    }

    private string Depthwise(string x, string prefix, int[] order, int stride)
    {
        var c = FoldedConv.Load(sd, prefix);
        var (w, b) = c.PermutedDepthwise(order);
        return g.Conv(x, w, b, order.Length, 1, c.Kernel, stride, order.Length, prefix);
    }

    private int ConsumedBy(StagePlan plan, int id) => id < 0 ? _padConsumer[id] : plan.ConsumedBy(id);

    // zero channels get negative ids
    private int[] Pads(int count, int consumer)
    {
        var ids = Enumerable.Range(_padConsumer.Count + 1, count).Select(i => -i).ToArray();
        foreach (var id in ids) _padConsumer[id] = consumer;
        return ids;
    }

    private static int Pad(int n) => (n + Align - 1) / Align * Align;

    private static int[] Identity(int n) => Enumerable.Range(0, n).ToArray();

    // for each physical channel, its index in the consumer's logical input; -1 (a zero column or row)
    // for padding and for channels the consumer does not read
    private static int[] IndexIn(int[] logicalIds, int[] physicalIds)
    {
        var index = new Dictionary<int, int>(logicalIds.Length);
        for (int i = 0; i < logicalIds.Length; i++) index[logicalIds[i]] = i;
        return physicalIds.Select(id => index.TryGetValue(id, out var i) ? i : -1).ToArray();
    }
}
