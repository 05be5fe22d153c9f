using ShuffleNet.Checkpoints;
using ShuffleNet.Onnx.Export;
using ShuffleNet.Onnx.Runtime;

namespace ShuffleNet.Onnx.Tests.Export;

public sealed class ModelFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("onnx-tests").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(13, 7)]
    [InlineData(17, 8)]
    public void Model_declares_the_requested_opset_and_its_ir_version(int opset, long ir)
    {
        var info = OnnxModelInfo.Read(OnnxExporter.ExportToBytes(TestData.RandomStateDict(Width.X0_5),
            new ExportOptions { Opset = opset }));

        Assert.Equal(ir, info.IrVersion);
        Assert.Equal(opset, info.Opsets[""]);
        using var _ = OrtClassifier.FromBytes(OnnxExporter.ExportToBytes(TestData.RandomStateDict(Width.X0_5),
            new ExportOptions { Opset = opset }));
    }

    [Fact]
    public void Class_names_round_trip_through_model_metadata()
    {
        string[] classes = ["tench", "goldfish, Carassius auratus", "great white shark", "tiger shark", "hammerhead",
            "electric ray", "stingray", "cock", "hen", "ostrich"];
        var path = Path.Combine(_dir, "m.onnx");

        OnnxExporter.Export(TestData.RandomStateDict(Width.X0_5, numClasses: 10), path,
            new ExportOptions { Classes = classes });
        using var model = OrtClassifier.Open(path);

        Assert.Equal(classes, model.Classes);
        Assert.Equal(10, model.NumClasses);
        Assert.Equal("ShuffleNetV2 0.5x", OnnxModelInfo.Read(File.ReadAllBytes(path)).Metadata["architecture"]);
    }

    [Fact]
    public void Model_without_class_names_has_none()
    {
        using var model = OrtClassifier.FromBytes(OnnxExporter.ExportToBytes(TestData.RandomStateDict(Width.X0_5)));

        Assert.Null(model.Classes);
    }

    [Fact]
    public void Export_replaces_an_existing_file_and_leaves_no_temporary_file()
    {
        var path = Path.Combine(_dir, "m.onnx");
        File.WriteAllText(path, "old");

        OnnxExporter.Export(TestData.RandomStateDict(Width.X0_5), path);

        Assert.Equal(["m.onnx"], Directory.GetFiles(_dir).Select(Path.GetFileName));
        Assert.True(new FileInfo(path).Length > 1_000_000);
    }

    [Fact]
    public void Exporting_into_a_missing_folder_names_the_folder()
    {
        var path = Path.Combine(_dir, "no-such-folder", "m.onnx");

        var e = Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(TestData.RandomStateDict(Width.X0_5),
            path));

        Assert.Contains("no-such-folder", e.Message);
    }

    [Fact]
    public void Exporting_where_a_file_blocks_the_folder_says_it_cannot_write()
    {
        var blocker = Path.Combine(_dir, "file");
        File.WriteAllText(blocker, "x");

        var e = Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(TestData.RandomStateDict(Width.X0_5),
            Path.Combine(blocker, "m.onnx")));

        Assert.Contains("cannot write", e.Message);
    }

    [Fact]
    public void Exporting_onto_a_folder_path_fails_cleanly_and_leaves_no_temporary_file()
    {
        var target = Directory.CreateDirectory(Path.Combine(_dir, "taken.onnx")).FullName;

        var e = Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(TestData.RandomStateDict(Width.X0_5),
            target));

        Assert.Contains("cannot write", e.Message);
        Assert.Empty(Directory.GetFiles(_dir));
    }
}
