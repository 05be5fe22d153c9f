namespace ShuffleNet.Experiments;

/// <summary>
/// The paper's Section 2 micro-benchmarks as graphs. G1-G3 are bare 1x1 convolutions (no bias, BatchNorm or ReLU), so
/// only the guideline's variable changes; G4 is where element-wise operations are studied. Channel counts are derived
/// from the base width so that FLOPs stay within 1% of the group's first setting; where one width cannot do that
/// (c·√2 is not an integer) the convolutions alternate between two nearby widths a and b, as G1's blocks do.
/// </summary>
public static class GuidelineNetworks
{
    /// <summary>Blocks per network, as in the paper.</summary>
    public const int Blocks = 10;

    /// <summary>Input height and width, as in the paper.</summary>
    public const int InputSize = 56;

    /// <summary>
    /// Every setting at every width of <paramref name="guideline"/>, in the paper's row order, width-major within a
    /// row.
    /// </summary>
    public static IReadOnlyList<GuidelineCase> Build(Guideline guideline, PaperSetup setup = PaperSetup.Gpu,
        FragmentMerge merge = FragmentMerge.Concat)
    {
        var table = PaperFigures.Tables[guideline];
        var widths = setup == PaperSetup.Gpu ? table.GpuChannels : table.ArmChannels;
        var cases = new List<GuidelineCase>();
        foreach (var row in table.Rows)
            for (int w = 0; w < widths.Length; w++)
            {
                var (graph, channels) = guideline switch
                {
                    Guideline.G1 => G1(int.Parse(row.Setting[2..]), widths[w]),
                    Guideline.G2 => G2(int.Parse(row.Setting[2..]), widths[w]),
                    Guideline.G3 => G3(row.Setting[0] - '0', row.Setting.EndsWith("parallel"), merge, widths[w]),
                    _ => G4(row.Setting.StartsWith("ReLU yes"), row.Setting.EndsWith("shortcut yes"), widths[w]),
                };
                cases.Add(new GuidelineCase(guideline, row.Setting, w, channels, graph));
            }
        return cases;
    }

    /// <summary>G1: blocks of 1x1 convs c1→c2→c1 with c2/c1 ≈ <paramref name="ratio"/> and c1·c2 ≈ c².</summary>
    public static (NetGraph Graph, string Channels) G1(int ratio, int c)
    {
        var (a, b) = Pair(c / Math.Sqrt(ratio), (double)c * c, 1);
        var g = new NetGraph($"G1 1:{ratio} c={c}", a, InputSize, InputSize);
        int x = 0;
        for (int i = 0; i < Blocks; i++) x = g.Conv(g.Conv(x, b, 1), a, 1);
        g.GlobalPool(x);
        return (g, $"{a}→{b}→{a}");
    }

    /// <summary>
    /// G2: 10 pointwise group convs with c²/g ≈ <paramref name="c"/>² (alternating widths a, b, multiples of g, when
    /// needed).
    /// </summary>
    public static (NetGraph Graph, string Channels) G2(int groups, int c)
    {
        var (a, b) = Pair(c * Math.Sqrt(groups), (double)c * c * groups, groups);
        var g = new NetGraph($"G2 g={groups} c={c}", a, InputSize, InputSize);
        int x = 0;
        for (int i = 0; i < Blocks; i++) x = g.Conv(x, i % 2 == 0 ? b : a, 1, groups: groups);
        g.GlobalPool(x);
        return (g, a == b ? $"{a}" : $"{a}↔{b}");
    }

    /// <summary>
    /// G3: <paramref name="fragments"/> 1x1 convs per block, in series or in parallel, FLOPs equal to one c→c conv.
    /// </summary>
    public static (NetGraph Graph, string Channels) G3(int fragments, bool parallel, FragmentMerge merge, int c)
    {
        bool split = parallel && merge == FragmentMerge.Concat;
        var (a, b) = fragments == 1 || split ? (c, c) : Pair(c / Math.Sqrt(fragments), (double)c * c / fragments, 1);
        var kind = fragments == 1 ? "1-fragment" : $"{fragments}-fragment-{(parallel ? "parallel" : "series")}";
        var g = new NetGraph($"G3 {kind} c={c}", a, InputSize, InputSize);
        int x = 0;
        for (int i = 0; i < Blocks; i++)
        {
            long to = g.ShapeOf(x)[0] == a ? b : a;
            if (!parallel) for (int f = 0; f < fragments; f++) x = g.Conv(x, g.ShapeOf(x)[0] == a ? b : a, 1);
            else if (split) x = g.Concat(Enumerable.Range(0, fragments).Select(_ => g.Conv(x, c / fragments, 1))
                .ToArray());
            else
            {
                int input = x;
                x = g.Conv(input, to, 1);
                for (int f = 1; f < fragments; f++) x = g.Add(x, g.Conv(input, to, 1));
            }
        }
        g.GlobalPool(x);
        string channels = fragments == 1 ? $"{c}" : split ? $"{c}→{fragments}×{c / fragments}" : $"{a}↔{b}";
        return (g, channels);
    }

    /// <summary>
    /// G4: ResNet bottleneck 4c→c (1x1) →c (3x3) →4c (1x1), with or without its ReLUs and its identity shortcut.
    /// </summary>
    public static (NetGraph Graph, string Channels) G4(bool relu, bool shortcut, int c)
    {
        var g = new NetGraph($"G4 relu={relu} shortcut={shortcut} c={c}", 4 * c, InputSize, InputSize);
        int Act(int v) => relu ? g.Relu(v) : v;
        int x = 0;
        for (int i = 0; i < Blocks; i++)
        {
            int y = Act(g.Conv(x, c, 1));
            y = Act(g.Conv(y, c, 3));
            y = g.Conv(y, 4 * c, 1);
            x = Act(shortcut ? g.Add(x, y) : y);
        }
        g.GlobalPool(x);
        return (g, $"{4 * c}→{c}→{c}→{4 * c}");
    }

    // Two multiples of `multiple`, a near `ideal` and b ≈ product/a, whose product is within 1% of `product`:
    // scans a outward from the ideal and takes the first pair that fits.
    private static (long A, long B) Pair(double ideal, double product, int multiple)
    {
        long Round(double v) => Math.Max(multiple, (long)Math.Round(v / multiple) * multiple);
        long start = Round(ideal);
        for (int step = 0; step < 16; step++)
            foreach (var a in new[] { start - step * multiple, start + step * multiple })
            {
                if (a <= 0) continue;
                long b = Round(product / a);
                if (Math.Abs(a * b / product - 1) < 0.01) return (a, b);
            }
        throw new InvalidOperationException($"no widths within 1% of {product} FLOPs per position near {ideal}");
    }
}
