namespace ShuffleNet.Onnx.Export;

/// <summary>
/// The logical channel flow of one ShuffleNet V2 stage, simulated before any node is written. Every channel
/// produced in the stage gets an id; <see cref="ConsumedBy"/> says which block reads it through its
/// <c>x2</c> half (1 .. n-1), or <see cref="StageEnd"/> when it survives to the stage output.
/// </summary>
/// <remarks>
/// A stride-1 block is <c>out = shuffle(cat(x1, f(x2)))</c>, so <c>out[2j] = x1[j]</c> and <c>out[2j+1] = f[j]</c>;
/// the next block's <c>x2</c> is <c>out[B..2B)</c>. Knowing in advance when each channel is consumed lets every
/// branch output be written once, grouped by consumer, instead of re-splitting the whole tensor in every block.
/// </remarks>
internal sealed class StagePlan
{
    public const int StageEnd = int.MaxValue;

    private readonly Dictionary<int, int> _consumedBy = [];

    /// <summary>
    /// Plans a stage of <paramref name="blocks"/> blocks with <paramref name="branch"/> channels per branch; ids start
    /// at <paramref name="firstId"/>.
    /// </summary>
    public StagePlan(int blocks, int branch, int firstId)
    {
        int next = firstId;
        int[] NewIds() => Enumerable.Range((next += branch) - branch, branch).ToArray();
        Branch1 = NewIds();
        Branch2 = NewIds();
        Outputs = new List<int[]>();
        BlockInputs = new List<int[]>();
        var logical = Interleave(Branch1, Branch2);
        for (int k = 1; k < blocks; k++)
        {
            BlockInputs.Add(logical);
            foreach (var id in logical[branch..]) _consumedBy[id] = k;
            var f = NewIds();
            Outputs.Add(f);
            logical = Interleave(logical[..branch], f);
        }
        foreach (var id in logical) _consumedBy.TryAdd(id, StageEnd);
        FinalLogical = logical;
        NextId = next;
    }

    /// <summary>Ids of the stride-2 block's branch1 output, logical order.</summary>
    public int[] Branch1 { get; }

    /// <summary>Ids of the stride-2 block's branch2 output, logical order.</summary>
    public int[] Branch2 { get; }

    /// <summary>Ids of <c>f(x2)</c> of stride-1 block k (index k-1), logical order.</summary>
    public List<int[]> Outputs { get; }

    /// <summary>Ids of the input of stride-1 block k (index k-1), logical order.</summary>
    public List<int[]> BlockInputs { get; }

    /// <summary>Ids of the stage output in logical (mmpretrain) channel order.</summary>
    public int[] FinalLogical { get; }

    /// <summary>First id not used by this stage.</summary>
    public int NextId { get; }

    /// <summary>The block whose x2 reads channel <paramref name="id"/>, or <see cref="StageEnd"/>.</summary>
    public int ConsumedBy(int id) => _consumedBy[id];

    // channel_shuffle(cat(a, b), groups=2) = a[0], b[0], a[1], b[1], ...
    public static int[] Interleave(int[] a, int[] b)
    {
        var r = new int[a.Length + b.Length];
        for (int j = 0; j < a.Length; j++) { r[2 * j] = a[j]; r[2 * j + 1] = b[j]; }
        return r;
    }
}
