using System.Text.Json;
using ScottPlot;
using ShuffleNet.Checkpoints;

namespace ShuffleNet.Training;

/// <summary>
/// Draws <c>log.json</c> as a PNG of three stacked panels against epochs: training loss, learning rate, validation
/// accuracy.
/// </summary>
public static class TrainChart
{
    /// <summary>Reads <paramref name="logPath"/> and writes <paramref name="pngPath"/> (1000x900) atomically.</summary>
    /// <exception cref="IOException">The chart could not be written (the message names it).</exception>
    public static void Write(string logPath, string pngPath, int itersPerEpoch, string title)
    {
        List<double> tx = [], loss = [], lr = [], vx = [], top1 = [], top5 = [];
        foreach (var line in File.ReadLines(logPath))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            using var doc = JsonDocument.Parse(line);
            var e = doc.RootElement;
            double epoch = e.GetProperty("epoch").GetDouble();
            if (e.GetProperty("mode").GetString() == "train")
            {
                tx.Add(epoch - 1 + e.GetProperty("iter").GetDouble() / itersPerEpoch);
                loss.Add(e.GetProperty("loss").GetDouble());
                lr.Add(e.GetProperty("lr").GetDouble());
            }
            else
            {
                vx.Add(epoch);
                top1.Add(e.GetProperty("accuracy_top-1").GetDouble());
                top5.Add(e.GetProperty("accuracy_top-5").GetDouble());
            }
        }
        var multiplot = new Multiplot();
        while (multiplot.Count() < 3) multiplot.AddPlot();
        var (pLoss, pLr, pAcc) = (multiplot.GetPlot(0), multiplot.GetPlot(1), multiplot.GetPlot(2));
        pLoss.Title(title);
        Line(pLoss, tx, loss, "training loss", Colors.Blue);
        Line(pLr, tx, lr, "learning rate", Colors.Orange);
        Line(pAcc, vx, top1, "val top-1 %", Colors.Green, markers: true);
        Line(pAcc, vx, top5, "val top-5 %", Colors.Gray, markers: true);
        pLoss.YLabel("loss");
        pLr.YLabel("lr");
        pAcc.YLabel("accuracy %");
        pAcc.XLabel("epoch");
        foreach (var p in new[] { pLoss, pLr, pAcc })
        {
            // accuracy rises toward the top right
            p.ShowLegend(p == pAcc ? Alignment.LowerRight : Alignment.UpperRight);
            if (tx.Count + vx.Count > 0) p.Axes.SetLimitsX(0, Math.Max(tx.DefaultIfEmpty(0).Max(), vx.DefaultIfEmpty(0)
                .Max()));
        }
        byte[] png;
        using (var image = multiplot.Render(1000, 900)) png = image.GetImageBytes(ImageFormat.Png);
        AtomicFile.WriteBytes(pngPath, png);
    }

    /// <summary>
    /// The learning rate of every iteration of <paramref name="schedule"/> against epochs (mmpretrain's
    /// <c>vis_scheduler.py</c>), written to <paramref name="pngPath"/> (1000x500) atomically; the rate is sampled at
    /// most 4,000 times, always including the first iteration, the end of warm-up and the last.
    /// </summary>
    /// <exception cref="IOException">The chart could not be written (the message names it).</exception>
    public static void WriteSchedule(LrSchedule schedule, int itersPerEpoch, string pngPath, string title)
    {
        long stride = Math.Max(1, schedule.MaxIters / 4000);
        var iters = new SortedSet<long> { 0, schedule.MaxIters - 1 };
        for (long i = 0; i < schedule.MaxIters; i += stride) iters.Add(i);
        foreach (long w in new[] { schedule.WarmupIters - 1, schedule.WarmupIters })
            if (w >= 0 && w < schedule.MaxIters) iters.Add(w);
        var x = iters.Select(i => (double)i / itersPerEpoch).ToList();
        var y = iters.Select(schedule.At).ToList();
        var plot = new Plot();
        plot.Title(title);
        var line = plot.Add.Scatter(x.ToArray(), y.ToArray(), Colors.Orange);
        (line.LegendText, line.MarkerSize, line.LineWidth) = ("learning rate", 0, 2);
        plot.XLabel($"epoch ({itersPerEpoch:N0} iterations each, {schedule.MaxIters:N0} in all)");
        plot.YLabel("lr");
        plot.Axes.SetLimitsX(0, (double)schedule.MaxIters / itersPerEpoch);
        plot.Axes.SetLimitsY(0, schedule.BaseLr * 1.05);
        plot.ShowLegend(Alignment.UpperRight);
        byte[] png;
        using (var image = plot.GetImage(1000, 500)) png = image.GetImageBytes(ImageFormat.Png);
        AtomicFile.WriteBytes(pngPath, png);
    }

    private static void Line(Plot plot, List<double> x, List<double> y, string label, Color color, bool markers = false)
    {
        if (x.Count == 0) return;
        var s = plot.Add.Scatter(x.ToArray(), y.ToArray(), color);
        s.LegendText = label;
        s.MarkerSize = markers ? 6 : 0;
    }
}
