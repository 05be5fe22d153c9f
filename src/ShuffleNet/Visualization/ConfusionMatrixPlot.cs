using System.Globalization;
using ScottPlot;
using ShuffleNet.Evaluation;

namespace ShuffleNet.Visualization;

/// <summary>
/// The confusion matrix as a picture a person can read: up to <see cref="MaxMatrixClasses"/> classes the whole
/// matrix (rows true, columns predicted, every cell's count, colour = share of the true class); beyond that, where a
/// full matrix is a carpet of dots, a bar chart of the largest confusions ("true → predicted").
/// </summary>
public static class ConfusionMatrixPlot
{
    /// <summary>The most classes drawn as a full matrix.</summary>
    public const int MaxMatrixClasses = 30;

    /// <summary>Draws <paramref name="matrix"/> into the PNG <paramref name="path"/> (written atomically).</summary>
    /// <param name="matrix">The counts.</param>
    /// <param name="classes">Class names in label order.</param>
    /// <param name="path">The PNG to write.</param>
    /// <param name="title">The picture's title.</param>
    /// <param name="topConfusions">Bars drawn when the matrix is too large to show whole.</param>
    public static void Write(ConfusionMatrix matrix, IReadOnlyList<string> classes, string path, string title,
        int topConfusions = 30)
    {
        var plot = new Plot();
        plot.Font.Set(Drawing.FontFamily);
        var (width, height) = matrix.NumClasses <= MaxMatrixClasses
            ? Matrix(plot, matrix, classes)
            : TopConfusions(plot, matrix, classes, topConfusions);
        plot.Title(title, size: 15);
        Drawing.WritePng(plot.GetImageBytes(width, height, ImageFormat.Png), path);
    }

    private static (int Width, int Height) Matrix(Plot plot, ConfusionMatrix matrix, IReadOnlyList<string> classes)
    {
        int k = matrix.NumClasses;
        var rows = matrix.ToRows();
        // colour by the share of the row (recall-like), so a small class's mistakes show as clearly as a large one's
        var share = new double[k, k];
        for (int t = 0; t < k; t++)
            for (int p = 0; p < k; p++)
                share[t, p] = matrix.Support(t) == 0 ? 0 : (double)rows[t][p] / matrix.Support(t);
        var heatmap = plot.Add.Heatmap(share);
        heatmap.Colormap = new ScottPlot.Colormaps.Reversed(new ScottPlot.Colormaps.Blues());   // white = none
        heatmap.ManualRange = new ScottPlot.Range(0, 1);
        // cell (t, p) centred on x = p, y = k - 1 - t: the first class on top, as a matrix is read
        heatmap.Extent = new CoordinateRect(0, k - 1, 0, k - 1);   // the centres of the corner cells
        float fontSize = k <= 12 ? 12 : k <= 20 ? 10 : 8;
        for (int t = 0; t < k; t++)
            for (int p = 0; p < k; p++)
            {
                if (rows[t][p] == 0 && t != p) continue;
                var text = plot.Add.Text(rows[t][p].ToString(CultureInfo.InvariantCulture), p, k - 1 - t);
                text.LabelFontSize = fontSize;
                text.LabelFontName = Drawing.FontFamily;
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontColor = share[t, p] > 0.5 ? Colors.White : Colors.Black;
            }
        var ticks = Enumerable.Range(0, k).Select(i => (double)i).ToArray();
        var names = Enumerable.Range(0, k).Select(c => Clip(c < classes.Count ? classes[c] : $"{c}")).ToArray();
        plot.Axes.Bottom.SetTicks(ticks, names);
        plot.Axes.Bottom.TickLabelStyle.Rotation = -45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
        // ScottPlot sizes the axis for unrotated labels: leave room for the longest name at 45 degrees
        plot.Axes.Bottom.MinimumSize = 40 + 0.75f * 7 * names.Max(n => n.Length);
        plot.Axes.Left.SetTicks([.. ticks.Reverse()], names);
        plot.Axes.SetLimits(-0.5, k - 0.5, -0.5, k - 0.5);
        plot.Axes.Bottom.Label.Text = "predicted";
        plot.Axes.Left.Label.Text = "true";
        plot.Grid.IsVisible = false;
        var bar = plot.Add.ColorBar(heatmap);
        bar.Label = "share of the true class";
        int side = Math.Max(520, 42 * k);
        return (side + 330, side + 200);
    }

    private static (int Width, int Height) TopConfusions(Plot plot, ConfusionMatrix matrix,
        IReadOnlyList<string> classes, int count)
    {
        var top = matrix.TopConfusions(count);
        string Name(int c) => c < classes.Count ? classes[c] : c.ToString(CultureInfo.InvariantCulture);
        var bars = top.Select((c, i) => new Bar
        {
            Position = top.Count - 1 - i,   // the largest on top
            Value = c.Count,
            FillColor = Colors.SteelBlue,
            Label = $"{c.Count} ({100.0 * c.Count / Math.Max(1, matrix.Support(c.Truth)):F0}% of the class)",
        }).ToArray();
        var barPlot = plot.Add.Bars(bars);
        barPlot.Horizontal = true;
        barPlot.ValueLabelStyle.FontSize = 11;
        plot.Axes.Left.SetTicks([.. bars.Select(b => b.Position)],
            [.. top.Select(c => $"{Clip(Name(c.Truth))} → {Clip(Name(c.Predicted))}")]);
        plot.Axes.Left.TickLabelStyle.FontSize = 11;
        plot.Axes.Bottom.Label.Text = "images (true class → predicted class)";
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.Axes.Margins(left: 0, right: 0.25, bottom: 0.02, top: 0.02);
        plot.Grid.YAxisStyle.MajorLineStyle.Width = 0;
        return (1100, Math.Max(260, 26 * top.Count + 160));
    }

    // ImageNet's names run long ("tench, Tinca tinca"): the first synonym is enough on an axis
    private static string Clip(string name)
    {
        var first = name.Split(',')[0].Trim();
        return first.Length <= 28 ? first : first[..27] + "…";
    }
}
