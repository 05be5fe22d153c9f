using ShuffleNet.Checkpoints;
using ShuffleNet.Onnx.Export;
using ShuffleNet.Onnx.Runtime;

namespace ShuffleNet.Onnx.Tests.Runtime;

public sealed class OrtClassifierTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ort-tests").FullName;
    private static readonly byte[] Model = OnnxExporter.ExportToBytes(TestData.RandomStateDict(Width.X0_5,
        numClasses: 10));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Text_file_named_onnx_is_refused_naming_the_file()
    {
        var path = Path.Combine(_dir, "notes.onnx");
        File.WriteAllText(path, "this is not a model\n");

        var e = Assert.Throws<OnnxModelException>(() => OrtClassifier.Open(path));

        Assert.Contains("notes.onnx", e.Message);
        Assert.Contains("not a loadable ONNX model", e.Message);
    }

    [Fact]
    public void Missing_model_file_is_named()
    {
        var e = Assert.Throws<OnnxModelException>(() => OrtClassifier.Open(Path.Combine(_dir, "gone.onnx")));

        Assert.Contains("gone.onnx' does not exist", e.Message);
    }

    [Fact]
    public void Wrong_input_length_says_what_the_model_expects()
    {
        using var model = OrtClassifier.FromBytes(Model);

        var e = Assert.Throws<OnnxModelException>(() => model.Run(new float[3 * 224 * 223], 1));

        Assert.Contains("input has 149856 floats; the model expects [N, 3, 224, 224] = N x 150528", e.Message);
    }

    [Fact]
    public void Batch_other_than_a_fixed_one_is_refused()
    {
        using var model = OrtClassifier.FromBytes(OnnxExporter.ExportToBytes(TestData.RandomStateDict(Width.X0_5),
            new ExportOptions { Batch = 4 }));

        var e = Assert.Throws<OnnxModelException>(() => model.Run(new float[2 * 150528], 2));

        Assert.Contains("exactly 4", e.Message);
    }

    [Fact]
    public void Repeated_runs_at_several_batch_sizes_are_deterministic_and_batch_independent()
    {
        using var model = OrtClassifier.FromBytes(Model, new OrtOptions { Threads = 1 });
        var input = TestData.RandomInput(3 * 150528);

        var three = model.Run(input, 3);
        var one = model.Run(input.AsSpan(150528, 150528), 1);
        var again = new float[30];
        model.Run(input, 3, again);

        Assert.Equal(three, again);
        Assert.InRange(TestData.MaxAbsDiff(one, three[10..20]), 0, 1e-5);
    }

    [Fact]
    public void Hot_loop_allocates_nothing_once_the_batch_is_bound()
    {
        using var model = OrtClassifier.FromBytes(Model, new OrtOptions { Threads = 1 });
        var input = TestData.RandomInput(150528);
        var logits = new float[10];
        model.Run(input, 1, logits);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) model.Run(input, 1, logits);

        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 5 * 256);
    }
}
