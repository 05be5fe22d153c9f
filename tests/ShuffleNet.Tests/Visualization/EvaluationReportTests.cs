using System.Text.Json;
using ShuffleNet.Evaluation;
using ShuffleNet.Visualization;

namespace ShuffleNet.Tests.Visualization;

public class EvaluationReportTests
{
    private static EvalResult Result(int numClasses, params (int Truth, int Predicted)[] pairs)
    {
        var m = new ConfusionMatrix(numClasses);
        foreach (var (t, p) in pairs) m.Add(t, p);
        var samples = pairs.Select((p, i) => new SamplePrediction(i, p.Truth, p.Predicted, 0.5f + 0.1f * i)).ToList();
        return new EvalResult(0, 0, 0, pairs.Length, 0, [], m, samples);
    }

    [Fact]
    public void Csv_fields_with_commas_or_quotes_are_quoted()
    {
        using var dir = new TempFolder();
        EvaluationReport.Write(dir.Path, Result(2, (0, 0), (1, 0)), ["tench, Tinca tinca", "a \"b\""], null,
            new ReportSubject("m.pth", "data", "torch"));
        var perClass = File.ReadAllLines(Path.Combine(dir.Path, "per_class.csv"));
        Assert.Equal("0,\"tench, Tinca tinca\",50,100,66.6667,1", perClass[1]);
        Assert.Equal("1,\"a \"\"b\"\"\",0,0,0,1", perClass[2]);
        string[] matrix =
        [
            "true \\ predicted,\"tench, Tinca tinca\",\"a \"\"b\"\"\"",
            "\"tench, Tinca tinca\",1,0",
            "\"a \"\"b\"\"\",1,0",
        ];
        Assert.Equal(matrix, File.ReadAllLines(Path.Combine(dir.Path, "confusion_matrix.csv")));
        Assert.False(File.Exists(Path.Combine(dir.Path, "mistakes.png")));   // no dataset given: no gallery
    }

    [Fact]
    public void Beyond_a_thousand_classes_the_matrix_is_written_as_its_non_zero_cells()
    {
        using var dir = new TempFolder();
        EvaluationReport.Write(dir.Path, Result(1500, (7, 7), (1400, 3), (1400, 3)), [], null,
            new ReportSubject("m.pth", "data", "ort"));
        Assert.Equal(["true,predicted,count", "7,7,1", "1400,3,2"],
            File.ReadAllLines(Path.Combine(dir.Path, "confusion_matrix.csv")));
        var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "confusion_matrix.json"))).RootElement;
        Assert.Equal(1500, json.GetProperty("classes").GetArrayLength());
        Assert.Equal("[[7,7,1],[1400,3,2]]", json.GetProperty("cells").GetRawText().Replace(" ", "").Replace("\n", ""));
        var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "metrics.json"))).RootElement;
        var top = metrics.GetProperty("top_confusions")[0];
        int Get(string key) => top.GetProperty(key).GetInt32();
        Assert.Equal((1400, 3, 2), (Get("truth"), Get("predicted"), Get("count")));
    }

    [Fact]
    public void Write_writes_the_files_CheckFolder_vets_and_no_others()
    {
        using var dir = new TempFolder();
        var written = EvaluationReport.Write(dir.Path, Result(3, (0, 1), (2, 2)), ["a", "b", "c"], null,
            new ReportSubject("m.pth", "data", "torch"));
        var onDisk = Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(written.Select(Path.GetFileName).Order(), onDisk);
        // everything but the gallery, which needs the images
        Assert.Equal(EvaluationReport.FileNames.Where(n => n != "mistakes.png").Order(), onDisk);
    }

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("shufflenet-report-").FullName;
        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
