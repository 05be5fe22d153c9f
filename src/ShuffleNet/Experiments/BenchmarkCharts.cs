using ScottPlot;
using ScottPlot.TickGenerators;
using ShuffleNet.Checkpoints;

namespace ShuffleNet.Experiments;

/// <summary>PNG charts of the guideline and architecture benchmarks (ScottPlot).</summary>
public static class BenchmarkCharts
{
    private static readonly Color[] WidthColors = [Colors.SteelBlue, Colors.DarkOrange, Colors.SeaGreen];

    /// <summary>
    /// One panel per guideline: per setting and width, a bar of the speed relative to the first setting here, with the
    /// paper's GPU (circle) and ARM (triangle) ratios for the same cell. Bars under the dashed line at 1 are slower.
    /// </summary>
    /// <exception cref="IOException">The chart could not be written (the message names it).</exception>
    public static void Guidelines(IReadOnlyList<GuidelineRow> rows, string pngPath, string title)
    {
        var groups = rows.GroupBy(r => r.Guideline).ToList();
        var multiplot = new Multiplot();
        while (multiplot.Count() < groups.Count) multiplot.AddPlot();
        for (int p = 0; p < groups.Count; p++)
        {
            var plot = multiplot.GetPlot(p);
            var settings = groups[p].Select(r => r.Setting).Distinct().ToList();
            double X(GuidelineRow r) => settings.IndexOf(r.Setting) * 4 + Array.IndexOf(GuidelineReport.WidthLabels,
                r.Width);
            foreach (var width in GuidelineReport.WidthLabels)
            {
                var cells = groups[p].Where(r => r.Width == width).ToList();
                if (cells.Count == 0) continue;
                var bars = plot.Add.Bars(cells.Select(X).ToArray(), cells.Select(r => r.Ratio).ToArray());
                bars.Color = WidthColors[Array.IndexOf(GuidelineReport.WidthLabels, width)];
                bars.LegendText = $"here {width}";
            }
            var all = groups[p].ToList();
            plot.Add.Markers(all.Select(X).ToArray(), all.Select(r => r.PaperGpuRatio).ToArray(),
                MarkerShape.OpenCircle, 9, Colors.Black).LegendText = "paper GPU";
            plot.Add.Markers(all.Select(X).ToArray(), all.Select(r => r.PaperArmRatio).ToArray(),
                MarkerShape.OpenTriangleUp, 9, Colors.Crimson).LegendText = "paper ARM";
            plot.Add.HorizontalLine(1, 1, Colors.Gray, LinePattern.Dashed);
            plot.Axes.Bottom.TickGenerator = new NumericManual(settings.Select((_, i) => i * 4 + 1.0).ToArray(),
                settings.ToArray());
            plot.Title(p == 0 ? $"{title} — {groups[p].Key}" : groups[p].Key.ToString());
            plot.YLabel("speed / first setting");
            plot.Axes.SetLimitsY(0, Math.Max(1.3, all.Max(r => Math.Max(r.Ratio, Math.Max(r.PaperGpuRatio,
                r.PaperArmRatio))) * 1.1));
            plot.ShowLegend(Edge.Right); // outside the data: bars reach any height
        }
        byte[] png;
        using (var image = multiplot.Render(1200, 330 * groups.Count)) png = image.GetImageBytes(ImageFormat.Png);
        AtomicFile.WriteBytes(pngPath, png);
    }

    /// <summary>
    /// Images per second against conv+fc multiply-adds, one labelled point per model, one colour per family.
    /// </summary>
    /// <exception cref="IOException">The chart could not be written (the message names it).</exception>
    public static void SpeedVersusFlops(IReadOnlyList<(string Family, string Name, double MFlops,
        double ImagesPerSecond)> points, string pngPath, string title)
    {
        var plot = new Plot();
        Color[] palette = [Colors.SteelBlue, Colors.DarkOrange, Colors.SeaGreen, Colors.Crimson, Colors.Purple];
        int f = 0;
        foreach (var family in points.GroupBy(p => p.Family))
        {
            var list = family.OrderBy(p => p.MFlops).ToList();
            var s = plot.Add.Scatter(list.Select(p => p.MFlops).ToArray(), list.Select(p => p.ImagesPerSecond)
                .ToArray(), palette[f++ % palette.Length]);
            s.LegendText = family.Key;
            s.MarkerSize = 9;
            foreach (var p in list)
            {
                var t = plot.Add.Text(p.Name, p.MFlops, p.ImagesPerSecond);
                t.LabelFontSize = 11;
                t.OffsetY = -6;
            }
        }
        plot.Title(title);
        plot.XLabel("MFLOPs (conv + fc multiply-adds, 224x224)");
        plot.YLabel("images / s on this machine");
        plot.ShowLegend(Alignment.UpperRight);
        var png = plot.GetImageBytes(1000, 650, ImageFormat.Png);
        AtomicFile.WriteBytes(pngPath, png);
    }
}
