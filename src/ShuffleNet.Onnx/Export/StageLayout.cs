namespace ShuffleNet.Onnx.Export;

/// <summary>
/// How each branch output of a stage is written, in the order the graph produces them: the downsample
/// block's branch1 and branch2, then <c>f</c> of each stride-1 block. The channels read by the output's
/// first consumers become tensors of their own (<see cref="Producer.Direct"/>), read by those consumers
/// without a copy; the rest (<see cref="Producer.Rest"/>) is sorted by consumer, to be split and
/// concatenated into later consumers' inputs. The stage output is such a consumer too: the next stage's first
/// block (or conv5) reads it where it lies.
/// </summary>
/// <remarks>
/// ONNX Runtime's NCHWc convs read only whole blocks of 16 channels, and compute their outputs in whole
/// blocks too. So a direct tensor is rounded up to a multiple of 16 with zero channels, and so is each
/// consumer's concatenation of rest pieces (and the stage output). A consumer's group becomes direct only
/// while that costs no extra rounding (in 1.0x: 58 + 58 and 29 + 29 of 116 fill 64 + 64 and 32 + 32
/// exactly) and fills at least two blocks: a one-block conv costs more to dispatch than its copy saves.
/// Zero channels for a concatenation come first from producers whose own rows have room below their next
/// multiple of 16, where ORT computes them anyway.
/// </remarks>
internal sealed class StageLayout
{
    public const int Align = 16;

    private const int MinDirect = 2 * Align;

    /// <summary>
    /// One branch output's layout: direct tensors, then the rest, one group per consumer in consumer order; both as
    /// (ids, consumer).
    /// </summary>
    public sealed record Producer(IReadOnlyList<(int[] Ids, int Consumer)> Direct, IReadOnlyList<(int[] Ids,
        int Consumer)> Rest);

    public StageLayout(StagePlan plan)
    {
        var outputs = new List<int[]> { plan.Branch1, plan.Branch2 };
        outputs.AddRange(plan.Outputs);

        var direct = new List<List<(int[] Ids, int Consumer)>>();
        var rest = new List<SortedDictionary<int, List<int>>>();
        foreach (var ids in outputs)
        {
            var byConsumer = new SortedDictionary<int, List<int>>();
            foreach (var id in ids) (byConsumer.TryGetValue(plan.ConsumedBy(id), out var l)
                ? l : byConsumer[plan.ConsumedBy(id)] = []).Add(id);
            var parts = new List<(int[] Ids, int Consumer)>();
            int directWidth = 0, left = ids.Length;
            foreach (var (c, group) in byConsumer.ToList())
            {
                int width = Pad(group.Count);
                if (width < MinDirect || directWidth + width + Pad(left - group.Count) != Pad(ids.Length)) break;
                parts.Add(([.. group, .. Zeros(width - group.Count)], c));
                directWidth += width;
                left -= group.Count;
                byConsumer.Remove(c);
            }
            direct.Add(parts);
            rest.Add(byConsumer);
        }

        KeepStageEndDirectOnlyIfFree(direct, rest);

        int last = rest.Count - 1;
        int LastChance(int c) => c == StagePlan.StageEnd ? last : c;   // block k reads what producers 0 .. k wrote
        int Rows(int p) => rest[p].Values.Sum(l => l.Count);
        foreach (var c in Enumerable.Range(1, plan.Outputs.Count).Append(StagePlan.StageEnd))
        {
            int real = rest.Sum(r => r.TryGetValue(c, out var l) ? l.Count : 0);
            int need = Pad(real) - real;
            var feeders = Enumerable.Range(0, LastChance(c) + 1).Where(p => Rows(p) > 0)
                .OrderByDescending(p => rest[p].ContainsKey(c)).ThenByDescending(p => p).ToList();
            foreach (var p in feeders)
            {
                int give = Math.Min(need, Pad(Rows(p)) - Rows(p));
                AddPads(p, c, give);
                need -= give;
            }
            if (need > 0) AddPads(feeders[0], c, need);
        }
        Producers = outputs.Select((_, p) => new Producer(direct[p], rest[p].Select(kv => (kv.Value.ToArray(), kv.Key))
            .ToList())).ToList();

        void AddPads(int p, int c, int count)
        {
            if (count > 0) (rest[p].TryGetValue(c, out var l) ? l : rest[p][c] = []).AddRange(Zeros(count));
        }
    }

    // The stage output is read by the next stage's first block (or conv5) as the tensors it lies in. A
    // producer's stage-end part stays a tensor of its own only while the output, every part rounded up
    // separately, is no wider than the output rounded up once; latest producers (the widest parts) first.
    private static void KeepStageEndDirectOnlyIfFree(List<List<(int[] Ids, int Consumer)>> direct,
        List<SortedDictionary<int, List<int>>> rest)
    {
        static int Real(int[] ids) => ids.Count(id => id != ZeroChannel);
        int total = direct.Sum(d => d.Where(x => x.Consumer == StagePlan.StageEnd).Sum(x => Real(x.Ids)))
            + rest.Sum(r => r.TryGetValue(StagePlan.StageEnd, out var l) ? l.Count : 0);
        int keptWidth = 0, keptReal = 0;
        for (int p = direct.Count - 1; p >= 0; p--)
        {
            int i = direct[p].FindIndex(x => x.Consumer == StagePlan.StageEnd);
            if (i < 0) continue;
            var (ids, _) = direct[p][i];
            if (keptWidth + ids.Length + Pad(total - keptReal - Real(ids)) == Pad(total))
            {
                keptWidth += ids.Length;
                keptReal += Real(ids);
                continue;
            }
            direct[p].RemoveAt(i);
            rest[p][StagePlan.StageEnd] = ids.Where(id => id != ZeroChannel).ToList();
        }
    }

    /// <summary>Branch1, branch2 of the downsample block, then f of stride-1 block k at index k + 1.</summary>
    public IReadOnlyList<Producer> Producers { get; }

    /// <summary>The id of a zero padding channel; channel ids of a stage are non-negative.</summary>
    public const int ZeroChannel = -1;

    /// <summary><paramref name="count"/> zero padding channels.</summary>
    public static int[] Zeros(int count) => Enumerable.Repeat(ZeroChannel, count).ToArray();

    /// <summary><paramref name="n"/> rounded up to a multiple of <see cref="Align"/>.</summary>
    public static int Pad(int n) => (n + Align - 1) / Align * Align;
}
