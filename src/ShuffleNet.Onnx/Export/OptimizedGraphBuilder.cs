using ShuffleNet.Checkpoints;

namespace ShuffleNet.Onnx.Export;

/// <summary>
/// ShuffleNet V2 with BatchNorm folded and no channel shuffle, split or per-block concat of the whole
/// tensor. Every channel's consumer is known in advance (<see cref="StagePlan"/>): the stride-1 block whose
/// x2 half reads it, or the stage end. Each branch output is written sorted by consumer, and each conv
/// reads and writes its channels in whatever order its inputs hold them, by permuting its weights.
/// </summary>
/// <remarks>
/// The channels the next one or two blocks read (in 1.0x, 58 and 29 of a 116-channel output) are written
/// by convs of their own and read straight from there (<see cref="StageLayout"/>), never copied: a block's
/// first conv is a sum of convs, one per input tensor, which ONNX Runtime fuses into NCHWc convs that
/// accumulate in place. The next stage's first block reads the stage output the same way, where keeping
/// its parts apart pads no wider. Only the rest is split, by consumer, and concatenated into later inputs: ORT runs
/// Split and Concat on one thread, in plain NCHW, with a reorder on each side. Channel counts are padded
/// with zero channels to multiples of 16, so ONNX Runtime keeps every conv and the max-pool in its NCHWc
/// layout (it refuses 58 input channels; its plain NCHW depthwise conv is slow).
/// </remarks>
internal sealed class OptimizedGraphBuilder(StateDict sd, OnnxGraph g)
{
    /// <summary>A graph value and the channel id at each of its channels (negative: a zero padding channel).</summary>
    private sealed record Tensor(string Name, int[] Ids);

    /// <summary>
    /// What each consumer of a stage (a stride-1 block, or the stage end) reads: whole tensors, and pieces to
    /// concatenate.
    /// </summary>
    private sealed class Inbox
    {
        private readonly Dictionary<int, List<Tensor>> _direct = [], _pieces = [];

        public void AddDirect(int consumer, Tensor t) => Get(_direct, consumer).Add(t);

        public void AddPiece(int consumer, Tensor t) => Get(_pieces, consumer).Add(t);

        public List<Tensor> Direct(int consumer) => Get(_direct, consumer);

        public List<Tensor> Pieces(int consumer) => Get(_pieces, consumer);

        private static List<Tensor> Get(Dictionary<int, List<Tensor>> d, int key) =>
            d.TryGetValue(key, out var list) ? list : d[key] = [];
    }

    public string Build(Width width, int numClasses, StemOptions stem)
    {
        var spec = ShuffleNetV2Layout.Widths[width];
        // the stem is padded too: ORT runs MaxPool in NCHWc only on whole blocks of 16 channels
        var logical = Identity(spec.StemChannels);
        var stemIds = logical.Concat(StageLayout.Zeros(StageLayout.Pad(spec.StemChannels) - spec.StemChannels))
            .ToArray();
        var conv1 = ConvRelu("input", "backbone.conv1", IndexIn(logical, stemIds), Identity(stem.InChannels),
            stem.Stride);
        List<Tensor> x = [new(stem.MaxPool ? g.MaxPool3x3s2(conv1) : conv1, stemIds)];
        int nextId = spec.StemChannels;
        for (int s = 0; s < spec.Repeats.Length; s++)
        {
            var plan = new StagePlan(spec.Repeats[s], spec.Channels[s + 1] / 2, nextId);
            var layout = new StageLayout(plan);
            var inbox = new Inbox();
            DownsampleBlock(x, logical, plan, layout, inbox, $"backbone.layers.{s}.0");
            for (int k = 1; k < spec.Repeats[s]; k++)
                StrideOneBlock(plan, layout, inbox, k, $"backbone.layers.{s}.{k}");
            x = Inputs(inbox, StagePlan.StageEnd);
            logical = plan.FinalLogical;
            nextId = plan.NextId;
        }
        var conv5 = SumOfConvs(x, $"backbone.layers.{spec.Repeats.Length}", Identity(spec.FeatureChannels), logical);
        return g.PoolAndLinear(conv5, sd["head.fc.weight"].ToFloat32(), sd["head.fc.bias"].ToFloat32(), numClasses,
            spec.FeatureChannels, "logits");
    }

    // x: the previous stage's output, in the tensors it lies in. The depthwise conv runs on each and its
    // outputs are concatenated (in NCHWc, a quarter of the size); the 1x1 conv is a sum of convs
    private void DownsampleBlock(List<Tensor> x, int[] logical, StagePlan plan, StageLayout layout, Inbox inbox,
        string p)
    {
        var dw = Join(x.Select(t => new Tensor(Depthwise(t.Name, $"{p}.branch1.0", IndexIn(logical, t.Ids), 2), t.Ids))
            .ToList());
        Produce(dw.Name, $"{p}.branch1.1", IndexIn(logical, dw.Ids), plan.Branch1, layout.Producers[0], inbox);
        var mid = Mid(plan.Branch1.Length);
        var y = SumOfConvs(x, $"{p}.branch2.0", mid, logical);
        y = Depthwise(y, $"{p}.branch2.1", mid, 2);
        Produce(y, $"{p}.branch2.2", mid, plan.Branch2, layout.Producers[1], inbox);
    }

    private void StrideOneBlock(StagePlan plan, StageLayout layout, Inbox inbox, int k, string p)
    {
        var inputs = Inputs(inbox, k);
        var blockInput = plan.BlockInputs[k - 1];
        var x2Logical = blockInput[(blockInput.Length / 2)..];
        var mid = Mid(x2Logical.Length);
        var y = SumOfConvs(inputs, $"{p}.branch2.0", mid, x2Logical);
        y = Depthwise(y, $"{p}.branch2.1", mid, 1);
        Produce(y, $"{p}.branch2.2", mid, plan.Outputs[k - 1], layout.Producers[k + 1], inbox);
    }

    // a branch's last conv, written as the layout says: each direct part by a conv of its own, the rest by
    // one conv whose output is split by consumer
    private void Produce(string x, string prefix, int[] inOrder, int[] logicalOut, StageLayout.Producer layout,
        Inbox inbox)
    {
        var c = FoldedConv.Load(sd, prefix);
        foreach (var (direct, consumer) in layout.Direct)
            inbox.AddDirect(consumer, new Tensor(ConvRelu(x, c, prefix, IndexIn(logicalOut, direct), inOrder, 1),
                direct));
        if (layout.Rest.Count == 0) return;
        var restIds = layout.Rest.SelectMany(r => r.Ids).ToArray();
        var rest = ConvRelu(x, c, prefix, IndexIn(logicalOut, restIds), inOrder, 1);
        var names = g.SplitChannels(rest, layout.Rest.Select(r => (long)r.Ids.Length).ToArray());
        for (int i = 0; i < names.Length; i++) inbox.AddPiece(layout.Rest[i].Consumer, new Tensor(names[i],
            layout.Rest[i].Ids));
    }

    // a 1x1 conv over the concatenation of its inputs, as one conv per input summed (ORT accumulates in place)
    private string SumOfConvs(List<Tensor> inputs, string prefix, int[] outOrder, int[] logicalIn)
    {
        var c = FoldedConv.Load(sd, prefix);
        string? sum = null;
        foreach (var t in inputs)
        {
            var (w, b) = c.Permuted(outOrder, IndexIn(logicalIn, t.Ids));
            var y = g.Conv(t.Name, w, sum is null ? b : null, outOrder.Length, t.Ids.Length, c.Kernel, 1, 1, prefix);
            sum = sum is null ? y : g.Sum(y, sum);
        }
        return g.Relu(sum!);
    }

    // what a consumer reads: its direct tensors, and its pieces concatenated
    private List<Tensor> Inputs(Inbox inbox, int consumer)
    {
        var inputs = inbox.Direct(consumer).ToList();
        if (inbox.Pieces(consumer).Count > 0) inputs.Add(Join(inbox.Pieces(consumer)));
        return inputs;
    }

    private Tensor Join(List<Tensor> pieces) =>
        new(g.Concat(pieces.Select(t => t.Name).ToArray()), pieces.SelectMany(t => t.Ids).ToArray());

    // every full conv of ShuffleNet V2 is followed by ReLU (only the depthwise ones are not)
    private string ConvRelu(string x, string prefix, int[] outOrder, int[] inOrder, int stride) =>
        ConvRelu(x, FoldedConv.Load(sd, prefix), prefix, outOrder, inOrder, stride);

    private string ConvRelu(string x, FoldedConv c, string prefix, int[] outOrder, int[] inOrder, int stride)
    {
        var (w, b) = c.Permuted(outOrder, inOrder);
        return g.Relu(g.Conv(x, w, b, outOrder.Length, inOrder.Length, c.Kernel, stride, 1, prefix));
    }

    private string Depthwise(string x, string prefix, int[] order, int stride)
    {
        var c = FoldedConv.Load(sd, prefix);
        var (w, b) = c.PermutedDepthwise(order);
        return g.Conv(x, w, b, order.Length, 1, c.Kernel, stride, order.Length, prefix);
    }

    // a branch's inner channels, padded
    private static int[] Mid(int branch) =>
        Enumerable.Range(0, StageLayout.Pad(branch)).Select(i => i < branch ? i : -1).ToArray();

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
