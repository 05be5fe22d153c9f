using System.Text.Json;
using ShuffleNet.Evaluation;
using ShuffleNet.Data;
using ShuffleNet.Training;

namespace ShuffleNet.Tests.Evaluation;

public class SingleLabelMetricTests
{
    private static readonly JsonElement[] Cases =
        [.. JsonDocument.Parse(File.ReadAllText(Paths.Fixture("metrics_sklearn.json"))).RootElement
            .GetProperty("cases").EnumerateArray()];

    public static TheoryData<int> CaseIndices => [.. Enumerable.Range(0, Cases.Length)];

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void Per_class_macro_and_micro_figures_match_scikit_learn(int index)
    {
        // tools/reference/make_metrics_fixture.py: sklearn's precision_recall_fscore_support, zero_division=0
        var c = Cases[index];
        var matrix = Matrix(c);
        var report = SingleLabelMetric.Compute(matrix);
        var per = c.GetProperty("per_class");
        for (int k = 0; k < matrix.NumClasses; k++)
        {
            var row = report.PerClass[k];
            Assert.Equal(per.GetProperty("precision")[k].GetDouble(), row.Precision, 9);
            Assert.Equal(per.GetProperty("recall")[k].GetDouble(), row.Recall, 9);
            Assert.Equal(per.GetProperty("f1")[k].GetDouble(), row.F1, 9);
            Assert.Equal(per.GetProperty("support")[k].GetInt64(), row.Support);
        }
        foreach (var (name, avg) in new[] { ("macro", report.Macro), ("micro", report.Micro) })
        {
            var e = c.GetProperty(name);
            Assert.Equal(e.GetProperty("precision").GetDouble(), avg.Precision, 9);
            Assert.Equal(e.GetProperty("recall").GetDouble(), avg.Recall, 9);
            Assert.Equal(e.GetProperty("f1").GetDouble(), avg.F1, 9);
            Assert.Equal(c.GetProperty("y_true").GetArrayLength(), avg.Support);
        }
    }

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void Confusion_matrix_matches_scikit_learn(int index)
    {
        var c = Cases[index];
        var rows = Matrix(c).ToRows();
        var expected = c.GetProperty("confusion_matrix");
        for (int t = 0; t < rows.Length; t++)
            Assert.Equal(expected[t].EnumerateArray().Select(v => v.GetInt64()), rows[t]);
    }

    [Fact]
    public void Mmpretrain_docstring_example_gives_its_published_figures()
    {
        // SingleLabelMetric.calculate([0, 1, 1, 3], [0, 2, 1, 3], num_classes=4) -> (62.5, 75., 66.6667, 4)
        var m = new ConfusionMatrix(4);
        foreach (var (t, p) in new[] { (0, 0), (2, 1), (1, 1), (3, 3) }) m.Add(t, p);
        var r = SingleLabelMetric.Compute(m);
        Assert.Equal(62.5, r.Macro.Precision, 9);
        Assert.Equal(75.0, r.Macro.Recall, 9);
        Assert.Equal(200.0 / 3, r.Macro.F1, 9);
        Assert.Equal(4, r.Macro.Support);
        Assert.Equal(75.0, r.Micro.F1, 9);
    }

    [Fact]
    public void Top_confusions_are_the_largest_off_diagonal_cells_in_a_stable_order()
    {
        var m = new ConfusionMatrix(5);
        void Add(int t, int p, int n) { for (int i = 0; i < n; i++) m.Add(t, p); }
        Add(0, 0, 50); Add(1, 2, 3); Add(2, 1, 7); Add(4, 0, 3); Add(3, 3, 9); Add(0, 4, 1);
        Assert.Equal([new Confusion(2, 1, 7), new Confusion(1, 2, 3), new Confusion(4, 0, 3)], m.TopConfusions(3));
        Assert.Equal(4, m.TopConfusions(10).Count);
        Assert.Equal(73, m.Total);
        Assert.Equal(59, m.TotalCorrect);
        Assert.Throws<ArgumentOutOfRangeException>(() => m.Add(5, 0));
    }

    [Fact]
    public void Evaluator_records_every_prediction_with_its_softmax_confidence_and_dataset_index()
    {
        // logits by hand: image 0 right (label 1), image 1 wrong (label 0, predicted 2) at p = e^2 / (1 + 1 + e^2)
        var source = new FixedSource([[0, 5, 0], [0, 0, 2]], [1, 0], indices: [7, 3]);
        var result = Evaluator.Run(b => [.. b.Images], source, numClasses: 3);
        SamplePrediction[] expected =
            [new(7, 1, 1, Softmax(5, [0, 5, 0])), new(3, 0, 2, Softmax(2, [0, 0, 2]))];
        Assert.Equal(expected, result.Samples);
        Assert.Equal(1, result.Confusion[1, 1]);
        Assert.Equal(1, result.Confusion[0, 2]);
        Assert.Equal(50.0, SingleLabelMetric.Compute(result.Confusion).Micro.Precision, 9);
    }

    private static float Softmax(float x, float[] all) => (float)(Math.Exp(x) / all.Sum(v => Math.Exp(v)));

    private static ConfusionMatrix Matrix(JsonElement c)
    {
        var m = new ConfusionMatrix(c.GetProperty("num_classes").GetInt32());
        var (t, p) = (c.GetProperty("y_true"), c.GetProperty("y_pred"));
        for (int i = 0; i < t.GetArrayLength(); i++) m.Add(t[i].GetInt32(), p[i].GetInt32());
        return m;
    }

    // one batch whose "images" are the logits themselves, so the test sets every logit by hand
    private sealed class FixedSource(float[][] logits, long[] labels, int[] indices) : IBatchSource
    {
        public int Count => labels.Length;
        public int BatchesPerEpoch => 1;
        public IReadOnlyList<string> Classes => ["a", "b", "c"];
        public int MaxLabel => (int)labels.Max();

        public IEnumerable<TrainBatch> Epoch(int epoch, int startBatch = 0)
        {
            yield return new TrainBatch([.. logits.SelectMany(l => l)], labels, [labels.Length, 3, 1, 1], indices);
        }
    }
}
