namespace ShuffleNet.Evaluation;

/// <summary>Precision, recall and F1 of one class, in percent, and its support.</summary>
/// <param name="Index">Label.</param>
/// <param name="Name">Class name.</param>
/// <param name="Precision">TP / (TP + FP) x 100; 0 when nothing was predicted as this class.</param>
/// <param name="Recall">TP / (TP + FN) x 100; 0 when the class has no images.</param>
/// <param name="F1">2PR / (P + R); 0 when both are 0.</param>
/// <param name="Support">Images of this class (TP + FN).</param>
public sealed record ClassMetrics(int Index, string Name, double Precision, double Recall, double F1, long Support);

/// <summary>Averaged precision, recall and F1 (percent) and the images they cover.</summary>
/// <param name="Precision">Average precision.</param>
/// <param name="Recall">Average recall.</param>
/// <param name="F1">Average F1.</param>
/// <param name="Support">All images.</param>
public sealed record AveragedMetrics(double Precision, double Recall, double F1, long Support);

/// <summary>What <see cref="SingleLabelMetric.Compute"/> returns: every class, and both averages.</summary>
/// <param name="PerClass">One row per class, in label order.</param>
/// <param name="Macro">The unweighted mean over all classes (classes without images count, with 0).</param>
/// <param name="Micro">Computed from the summed counts: precision = recall = F1 = top-1 accuracy.</param>
public sealed record SingleLabelReport(IReadOnlyList<ClassMetrics> PerClass, AveragedMetrics Macro,
    AveragedMetrics Micro);

/// <summary>
/// mmpretrain's <c>SingleLabelMetric</c> (<c>mmpretrain/evaluation/metrics/single_label.py</c>,
/// <c>_precision_recall_f1_support</c>) on top-1 predictions (<c>thrs=None</c>): a zero denominator counts as 1 (so
/// the ratio is 0, as sklearn's <c>zero_division=0</c>), F1's denominator is clamped at float32's epsilon, and
/// <c>average='macro'</c> takes the plain mean of the per-class figures, F1 included (not the F1 of the means).
/// </summary>
public static class SingleLabelMetric
{
    private const double Float32Epsilon = 1.1920928955078125e-07;

    /// <summary>The per-class, macro and micro figures of <paramref name="matrix"/>.</summary>
    /// <param name="matrix">Counts of (true, predicted) label pairs.</param>
    /// <param name="classes">Names in label order; labels are used where missing.</param>
    public static SingleLabelReport Compute(ConfusionMatrix matrix, IReadOnlyList<string>? classes = null)
    {
        var rows = new ClassMetrics[matrix.NumClasses];
        for (int c = 0; c < rows.Length; c++)
        {
            var (p, r, f) = Figures(matrix.Correct(c), matrix.PredictedAs(c), matrix.Support(c));
            string name = classes is not null && c < classes.Count
                ? classes[c] : c.ToString(System.Globalization.CultureInfo.InvariantCulture);
            rows[c] = new ClassMetrics(c, name, p, r, f, matrix.Support(c));
        }
        var macro = new AveragedMetrics(rows.Average(m => m.Precision), rows.Average(m => m.Recall),
            rows.Average(m => m.F1), matrix.Total);
        // micro: one pooled count; every image is one prediction and one label, so both denominators are the total
        var (mp, mr, mf) = Figures(matrix.TotalCorrect, matrix.Total, matrix.Total);
        return new SingleLabelReport(rows, macro, new AveragedMetrics(mp, mr, mf, matrix.Total));
    }

    private static (double Precision, double Recall, double F1) Figures(long truePositives, long predicted, long actual)
    {
        double precision = 100.0 * truePositives / Math.Max(predicted, 1);
        double recall = 100.0 * truePositives / Math.Max(actual, 1);
        double f1 = 2 * precision * recall / Math.Max(precision + recall, Float32Epsilon);
        return (precision, recall, f1);
    }
}
