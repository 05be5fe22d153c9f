namespace ShuffleNet.Experiments;

/// <summary>Pairs measurements with <see cref="PaperFigures"/> and says whether a guideline's trend holds.</summary>
public static class GuidelineReport
{
    /// <summary>Width column labels.</summary>
    public static readonly string[] WidthLabels = ["×1", "×2", "×4"];

    /// <summary>
    /// Rows for <paramref name="cases"/> (from <see cref="GuidelineNetworks.Build"/>) and their measured
    /// <paramref name="timings"/> (median and fastest milliseconds per call) at <paramref name="batch"/>, in the same
    /// order.
    /// </summary>
    public static IReadOnlyList<GuidelineRow> Rows(IReadOnlyList<GuidelineCase> cases, IReadOnlyList<(double MedianMs,
        double MinMs)> timings, int batch)
    {
        if (cases.Count != timings.Count) throw new ArgumentException($"{cases.Count} cases but {timings.Count} " +
            "timings");
        var rows = new List<GuidelineRow>();
        for (int i = 0; i < cases.Count; i++)
        {
            var c = cases[i];
            var table = PaperFigures.Tables[c.Guideline];
            var paper = table.Rows.Single(r => r.Setting == c.Setting);
            var first = table.Rows[0];
            int baseline = cases.Select((k, j) => (k, j)).First(t => t.k.Guideline == c.Guideline
                && t.k.Setting == first.Setting && t.k.WidthIndex == c.WidthIndex).j;
            double ips = batch * 1000.0 / timings[i].MedianMs;
            rows.Add(new GuidelineRow(c.Guideline, c.Setting, WidthLabels[c.WidthIndex], c.Channels, c.Graph.ConvFcMacs,
                timings[i].MedianMs, timings[i].MinMs, ips,
                timings[baseline].MedianMs / timings[i].MedianMs, paper.Gpu[c.WidthIndex],
                    paper.Gpu[c.WidthIndex] / first.Gpu[c.WidthIndex],
                paper.Arm[c.WidthIndex], paper.Arm[c.WidthIndex] / first.Arm[c.WidthIndex]));
        }
        return rows;
    }

    /// <summary>
    /// One sentence on whether the paper's claim holds in <paramref name="rows"/> of one guideline: the last (or, for
    /// G4, the fully stripped) setting's speed relative to the first, averaged over widths, here and in the paper.
    /// </summary>
    public static string Verdict(Guideline guideline, IReadOnlyList<GuidelineRow> rows)
    {
        var mine = rows.Where(r => r.Guideline == guideline).ToList();
        if (mine.Count == 0) return "";
        string last = PaperFigures.Tables[guideline].Rows[^1].Setting;
        double here = mine.Where(r => r.Setting == last).Average(r => r.Ratio);
        double gpu = mine.Where(r => r.Setting == last).Average(r => r.PaperGpuRatio);
        double arm = mine.Where(r => r.Setting == last).Average(r => r.PaperArmRatio);
        string first = PaperFigures.Tables[guideline].Rows[0].Setting;
        // G4's claim is that the stripped unit is faster; G1-G3 claim the later settings are slower
        bool holds = guideline == Guideline.G4 ? here > 1.02 : here < 0.98;
        string verb = Math.Abs(here - 1) <= 0.02 ? "does not show here (within 2%)" : holds ? "holds here"
            : "is reversed here";
        return $"{guideline} {verb}: '{last}' runs at {here:F2}x the speed of '{first}' (mean over widths; paper: " +
            $"GPU {gpu:F2}x, ARM {arm:F2}x).";
    }
}
