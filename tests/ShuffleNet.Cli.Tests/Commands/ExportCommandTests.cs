using System.Text.Json;

namespace ShuffleNet.Cli.Tests.Commands;

public class ExportCommandTests
{
    private static readonly JsonElement Expected =
        JsonDocument.Parse(File.ReadAllText(CliRunner.Reference("expected_1.0.json")))
            .RootElement.GetProperty("images");

    [Fact]
    public void Exported_model_predicts_pytorchs_top5_with_class_names_from_its_metadata()
    {
        using var dir = new CliRunner.TempDir();
        var onnx = dir.File("model.onnx");
        var export = CliRunner.Run("export", "--checkpoint", CliRunner.Reference("mmcls_1.0.pth"), "--output", onnx,
            "--json");
        Assert.Equal(0, export.ExitCode);
        Assert.Equal("1.0x", export.Json.GetProperty("arch").GetString());
        // no temporary file left
        Assert.Equal(new[] { "model.onnx" }, Directory.GetFiles(dir.Path).Select(Path.GetFileName));

        var image = CliRunner.Reference("images/coffee.png");
        var r = CliRunner.Run("predict", "--checkpoint", onnx, "--backend", "ort", "--json", image);
        Assert.Equal(0, r.ExitCode);
        var top = JsonDocument.Parse(r.Stdout).RootElement.GetProperty("top").EnumerateArray().ToList();
        var expected = Expected.GetProperty("coffee.png").GetProperty("top5").EnumerateArray().ToList();
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(expected[i].GetProperty("index").GetInt32(), top[i].GetProperty("index").GetInt32());
            Assert.Equal(expected[i].GetProperty("label").GetString(), top[i].GetProperty("label").GetString());
        }
    }

    [Fact]
    public void Export_to_an_unwritable_place_is_a_clear_error()
    {
        var r = CliRunner.Run("export", "--checkpoint", CliRunner.Reference("mmcls_1.0.pth"), "--output",
            "/nonexistent-dir/m.onnx");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("/nonexistent-dir", r.Stderr);
    }

    [Fact]
    public void Export_of_a_missing_checkpoint_is_a_clear_error()
    {
        var r = CliRunner.Run("export", "--checkpoint", "/nonexistent/x.pth", "--output", "/tmp/never.onnx");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("/nonexistent/x.pth", r.Stderr);
    }

    [Fact]
    public void A_text_file_named_onnx_is_refused_by_predict()
    {
        using var dir = new CliRunner.TempDir();
        File.WriteAllText(dir.File("fake.onnx"), "hello");
        var r = CliRunner.Run("predict", "--checkpoint", dir.File("fake.onnx"), "--backend", "ort",
            CliRunner.Reference("images/coffee.png"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("fake.onnx", r.Stderr);
    }
}
