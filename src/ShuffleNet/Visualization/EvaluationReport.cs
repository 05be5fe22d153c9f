using System.Globalization;
using System.Text;
using System.Text.Json;
using ShuffleNet.Checkpoints;
using ShuffleNet.Evaluation;
using ShuffleNet.Vision.Datasets;

namespace ShuffleNet.Visualization;

/// <summary>What a report is about, printed in its files.</summary>
/// <param name="Model">The checkpoint or ONNX file.</param>
/// <param name="Data">The evaluation data.</param>
/// <param name="Backend">The engine that ran it (torch, ort).</param>
public sealed record ReportSubject(string Model, string Data, string Backend);

/// <summary>
/// Writes an evaluation that explains itself into a folder: <c>metrics.json</c> (top-1/top-5, mmpretrain's
/// <see cref="SingleLabelMetric"/> per class with macro and micro averages, the largest confusions, the most confident
/// mistakes), <c>per_class.csv</c>, <c>confusion_matrix.csv</c> and <c>.json</c> (dense up to
/// <see cref="MaxDenseClasses"/> classes, else the non-zero cells as <c>true,predicted,count</c>),
/// <c>confusion_matrix.png</c> (<see cref="ConfusionMatrixPlot"/>) and <c>mistakes.png</c>
/// (<see cref="MistakeGallery"/>).
/// Every file is written atomically.
/// </summary>
public static class EvaluationReport
{
    /// <summary>The most classes written as a dense matrix (1000 x 1000 is 1M cells, a few MB of CSV).</summary>
    public const int MaxDenseClasses = 1000;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    /// <summary>The files <see cref="Write"/> may write into its folder.</summary>
    public static readonly IReadOnlyList<string> FileNames =
    [
        "metrics.json", "per_class.csv", "confusion_matrix.csv", "confusion_matrix.json", "confusion_matrix.png",
        "mistakes.png",
    ];

    /// <summary>
    /// Creates <paramref name="dir"/> if needed and refuses, before any evaluation, a report the folder cannot take: a
    /// path that is a file, or one of <see cref="FileNames"/> that is not a regular file.
    /// </summary>
    /// <exception cref="IOException">The folder cannot be made, or a target is refused; the message names
    /// it.</exception>
    public static void CheckFolder(string dir)
    {
        if (File.Exists(dir))
            throw new IOException($"--report '{dir}' is a file; give a folder (it is created if missing)");
        try { Directory.CreateDirectory(dir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"cannot create the report folder '{dir}': {e.Message}", e);
        }
        foreach (var name in FileNames)
            AtomicFile.CheckTarget(Path.Combine(dir, name), error: (message, inner) => new IOException(message, inner));
    }

    /// <summary>Writes the report of <paramref name="result"/> into <paramref name="dir"/> (created if
    /// missing).</summary>
    /// <param name="dir">The folder.</param>
    /// <param name="result">An evaluation pass (<see cref="Evaluator"/>).</param>
    /// <param name="classes">Class names in label order.</param>
    /// <param name="images">The evaluated dataset, to show the mistakes (indices as in
    /// <see cref="EvalResult.Samples"/>); null writes no gallery.</param>
    /// <param name="subject">Model, data and backend, for the titles.</param>
    /// <param name="mistakes">Tiles in the gallery: the most confident mistakes.</param>
    /// <returns>The files written.</returns>
    public static IReadOnlyList<string> Write(string dir, EvalResult result, IReadOnlyList<string> classes,
        IImageDataset? images, ReportSubject subject, int mistakes = 16)
    {
        Directory.CreateDirectory(dir);
        var written = new List<string>();
        string Out(string name)
        {
            // CheckFolder vets FileNames before the evaluation runs; a file outside that list would go unvetted
            if (!FileNames.Contains(name))
                throw new InvalidOperationException(
                    $"'{name}' is not in {nameof(EvaluationReport)}.{nameof(FileNames)}");
            var p = Path.Combine(dir, name);
            written.Add(p);
            return p;
        }
        string Name(int c) => c < classes.Count ? classes[c] : c.ToString(CultureInfo.InvariantCulture);
        var metrics = SingleLabelMetric.Compute(result.Confusion, classes);
        var worst = result.Samples.Where(s => s.Label != s.Predicted)
            .OrderByDescending(s => s.Confidence).ThenBy(s => s.Index).Take(mistakes).ToList();
        var top = result.Confusion.TopConfusions(30);

        WriteText(Out("metrics.json"), JsonSerializer.Serialize(new
        {
            subject.Model,
            subject.Data,
            subject.Backend,
            Images = result.Count,
            Top1 = result.Top1,
            Top5 = result.Top5,
            result.Loss,
            Macro = metrics.Macro,
            Micro = metrics.Micro,
            PerClass = metrics.PerClass,
            TopConfusions = top.Select(c => new
            {
                c.Truth, TruthName = Name(c.Truth), c.Predicted, PredictedName = Name(c.Predicted), c.Count,
            }),
            MostConfidentMistakes = worst.Select(s => new
            {
                s.Index, Source = images?.Describe(s.Index), s.Label, LabelName = Name(s.Label),
                s.Predicted, PredictedName = Name(s.Predicted), s.Confidence,
            }),
        }, Json) + "\n");
        WriteText(Out("per_class.csv"), PerClassCsv(metrics));
        WriteConfusion(result.Confusion, classes, Out("confusion_matrix.csv"), Out("confusion_matrix.json"));
        string heading = $"{Path.GetFileName(subject.Model)} on {Path.GetFileName(subject.Data.TrimEnd('/'))} " +
                         $"({result.Count:N0} images, top-1 {result.Top1:F2}%, macro F1 {metrics.Macro.F1:F2})";
        ConfusionMatrixPlot.Write(result.Confusion, classes, Out("confusion_matrix.png"), heading);
        if (images is not null) Gallery(worst, images, Name, Out("mistakes.png"), subject);
        return written;
    }

    private static void Gallery(List<SamplePrediction> worst, IImageDataset images, Func<int, string> name, string path,
        ReportSubject subject)
    {
        var items = new List<GalleryItem>();
        try
        {
            foreach (var s in worst)
                items.Add(new GalleryItem(images.Load(s.Index), name(s.Label), name(s.Predicted), s.Confidence,
                    Path.GetFileName(images.Describe(s.Index))));
            MistakeGallery.Write(items, path,
                $"The {items.Count} most confident mistakes of {Path.GetFileName(subject.Model)}");
        }
        finally
        {
            foreach (var item in items) item.Image.Dispose();
        }
    }

    private static string PerClassCsv(SingleLabelReport metrics)
    {
        var csv = new StringBuilder("index,name,precision,recall,f1,support\n");
        foreach (var c in metrics.PerClass)
            csv.Append(Row(c.Index.ToString(CultureInfo.InvariantCulture), c.Name, c.Precision, c.Recall, c.F1,
                c.Support));
        foreach (var (name, a) in new[] { ("macro average", metrics.Macro), ("micro average", metrics.Micro) })
            csv.Append(Row("", name, a.Precision, a.Recall, a.F1, a.Support));
        return csv.ToString();

        static string Row(string index, string name, double p, double r, double f, long n) =>
            string.Join(',', index, CsvText.Field(name), F(p), F(r), F(f), n.ToString(CultureInfo.InvariantCulture)) +
            "\n";
    }

    private static void WriteConfusion(ConfusionMatrix m, IReadOnlyList<string> classes, string csvPath,
        string jsonPath)
    {
        var names = Enumerable.Range(0, m.NumClasses)
            .Select(c => c < classes.Count ? classes[c] : c.ToString(CultureInfo.InvariantCulture)).ToArray();
        var csv = new StringBuilder();
        if (m.NumClasses <= MaxDenseClasses)
        {
            var rows = m.ToRows();
            csv.Append("true \\ predicted,").AppendJoin(',', names.Select(CsvText.Field)).Append('\n');
            for (int t = 0; t < rows.Length; t++)
                csv.Append(CsvText.Field(names[t])).Append(',').AppendJoin(',', rows[t]).Append('\n');
            WriteText(jsonPath, JsonSerializer.Serialize(new { Classes = names, Matrix = rows }, Json) + "\n");
        }
        else
        {
            csv.Append("true,predicted,count\n");
            foreach (var c in m.NonZero())
                csv.Append(CultureInfo.InvariantCulture, $"{c.Truth},{c.Predicted},{c.Count}\n");
            WriteText(jsonPath, JsonSerializer.Serialize(new
            {
                Classes = names,
                Cells = m.NonZero().Select(c => new[] { c.Truth, c.Predicted, c.Count }),
            }, Json) + "\n");
        }
        WriteText(csvPath, csv.ToString());
    }

    private static string F(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);

    private static void WriteText(string path, string text) =>
        AtomicFile.WriteBytes(path, Encoding.UTF8.GetBytes(text));
}
