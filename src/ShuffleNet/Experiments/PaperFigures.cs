namespace ShuffleNet.Experiments;

/// <summary>
/// Figures published in Ma, Zhang, Zheng, Sun, "ShuffleNet V2: Practical Guidelines for Efficient CNN Architecture
/// Design", ECCV 2018 (arXiv:1807.11164), Section 2, Tables 1-4. Every network is 10 stacked blocks on a 56x56 input;
/// GPU: one GTX 1080Ti, CUDNN 7.0 with its benchmarking on, batch 8; ARM: Snapdragon 810, one thread, Neon, batch 1
/// (Section 2, Fig. 1). Table 2's and 3's ARM halves are headed "CPU" in the paper; the platform is the same.
/// </summary>
public static class PaperFigures
{
    /// <summary>The four tables, by guideline.</summary>
    public static readonly IReadOnlyDictionary<Guideline, PaperTable> Tables = new Dictionary<Guideline, PaperTable>
    {
        // Table 1: block = 1x1 conv c1→c2 then c2→c1, total FLOPs fixed; paper's (c1, c2) at ×1: (128,128) (90,180)
        // (52,312) (36,432), ARM (32,32) (22,44) (13,78) (9,108)
        [Guideline.G1] = new(Guideline.G1, 1, [128, 256, 512], [32, 64, 128],
        [
            new("1:1", [1480, 723, 232], [76.2, 21.7, 5.3]),
            new("1:2", [1296, 586, 206], [72.9, 20.5, 5.1]),
            new("1:6", [876, 489, 189], [69.1, 17.9, 4.6]),
            new("1:12", [748, 392, 163], [57.6, 15.1, 4.4]),
        ]),
        // Table 2: 10 pointwise group convs c→c, FLOPs fixed; paper's c at ×1: 128 180 256 360, CPU 64 90 128 180
        [Guideline.G2] = new(Guideline.G2, 2, [128, 256, 512], [64, 128, 256],
        [
            new("g=1", [2451, 1289, 437], [40.0, 10.2, 2.3]),
            new("g=2", [1725, 873, 341], [35.0, 9.5, 2.2]),
            new("g=4", [1026, 644, 338], [32.9, 8.7, 2.1]),
            new("g=8", [634, 445, 230], [27.8, 7.5, 1.8]),
        ]),
        // Table 3: 1 to 4 1x1 convs per block in series or in parallel (appendix Fig. 1), FLOPs equal to 1-fragment's
        [Guideline.G3] = new(Guideline.G3, 3, [128, 256, 512], [64, 128, 256],
        [
            new("1-fragment", [2446, 1274, 434], [40.2, 10.1, 2.3]),
            new("2-fragment-series", [1790, 909, 336], [38.6, 10.1, 2.2]),
            new("4-fragment-series", [752, 745, 349], [38.4, 10.1, 2.3]),
            new("2-fragment-parallel", [1537, 803, 320], [33.4, 9.1, 2.2]),
            new("4-fragment-parallel", [691, 572, 292], [35.0, 8.4, 2.1]),
        ]),
        // Table 4: ResNet bottleneck (1x1, 3x3, 1x1 with c channels inside, 4c outside), ReLU and shortcut removed
        // separately
        [Guideline.G4] = new(Guideline.G4, 4, [32, 64, 128], [32, 64, 128],
        [
            new("ReLU yes, shortcut yes", [2427, 2066, 1436], [56.7, 16.9, 5.0]),
            new("ReLU yes, shortcut no", [2647, 2256, 1735], [61.9, 18.8, 5.2]),
            new("ReLU no, shortcut yes", [2672, 2121, 1458], [57.3, 18.2, 5.1]),
            new("ReLU no, shortcut no", [2842, 2376, 1782], [66.3, 20.2, 5.4]),
        ]),
    };
}
