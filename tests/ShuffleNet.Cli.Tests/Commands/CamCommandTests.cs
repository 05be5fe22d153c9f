using System.Text.Json;

namespace ShuffleNet.Cli.Tests.Commands;

public class CamCommandTests
{
    private static readonly JsonElement Expected = JsonDocument.Parse(
        File.ReadAllText(CliRunner.Reference("expected_1.0.json"))).RootElement.GetProperty("images");

    private static readonly string Model = CliRunner.Reference("mmcls_1.0.pth");

    [Fact]
    public void Each_image_gets_a_picture_explaining_its_top1_or_the_class_asked_for()
    {
        using var dir = new CliRunner.TempDir();
        var images = new[] { "chelsea.png", "coffee.png" }.Select(n => CliRunner.Reference($"images/{n}")).ToArray();
        var r = CliRunner.Run(["cam", "--checkpoint", Model, "--output", dir.Path, "--json", .. images]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var lines = r.Stdout.Trim().Split('\n').Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, lines.Count);
        foreach (var line in lines)
        {
            var name = Path.GetFileName(line.GetProperty("image").GetString()!);
            // the top-1 class, as PyTorch ranks it (expected_1.0.json)
            var top1 = Expected.GetProperty(name).GetProperty("top5")[0].GetProperty("index").GetInt32();
            Assert.Equal(top1, line.GetProperty("class").GetInt32());
            Assert.Equal("backbone.layers.3", line.GetProperty("layer").GetString());
            // input, Grad-CAM, Grad-CAM++ side by side at 224, the top-5 below
            Assert.Equal((720, 416), TestCommandTests.PngSize(line.GetProperty("output").GetString()!));
        }
        var chosen = CliRunner.Run("cam", "--checkpoint", Model, "--output", dir.Path, "--json", "--class", "281",
            "--target-layer", "stage4.3", images[0]);
        Assert.Equal(281, chosen.Json.GetProperty("class").GetInt32());
        Assert.Equal("backbone.layers.2.3", chosen.Json.GetProperty("layer").GetString());
    }

    [Fact]
    public void Bad_inputs_are_refused_with_one_clear_line()
    {
        using var dir = new CliRunner.TempDir();
        var image = CliRunner.Reference("images/coffee.png");
        var layer = CliRunner.Run("cam", "--checkpoint", Model, "--output", dir.Path,
            "--target-layer", "stage9", image);
        Assert.Equal(1, layer.ExitCode);
        Assert.Contains("--target-layer 'stage9' is not a layer of this model", layer.Stderr);
        var cls = CliRunner.Run("cam", "--checkpoint", Model, "--output", dir.Path, "--class", "1000",
            image);
        Assert.Equal(1, cls.ExitCode);
        Assert.Contains("--class 1000 is outside the model's classes 0..999", cls.Stderr);
        var onnx = CliRunner.Run("cam", "--checkpoint", CliRunner.Reference("pytorch-export_0.5_c10.onnx"),
            "--output", dir.Path, image);
        Assert.Equal(1, onnx.ExitCode);
        Assert.Contains("Grad-CAM needs gradients", onnx.Stderr);

        // two images of one name would write one picture: refused before any work
        Directory.CreateDirectory(dir.File("a"));
        Directory.CreateDirectory(dir.File("b"));
        File.Copy(image, dir.File("a/x.png"));
        File.Copy(image, dir.File("b/x.png"));
        var twins = CliRunner.Run("cam", "--checkpoint", Model, "--output", dir.File("twins"), dir.File("a/x.png"),
            dir.File("b/x.png"));
        Assert.Equal(1, twins.ExitCode);
        Assert.Contains("would both write", twins.Stderr);
        Assert.False(Directory.Exists(dir.File("twins")));

        // one broken image: named on stderr, the others still explained, exit code 1
        File.WriteAllText(dir.File("broken.jpg"), "not a jpeg");
        var mixed = CliRunner.Run("cam", "--checkpoint", Model, "--output", dir.File("out"), dir.File("broken.jpg"),
            image);
        Assert.Equal(1, mixed.ExitCode);
        Assert.Contains("broken.jpg", mixed.Stderr);
        Assert.True(File.Exists(dir.File("out/coffee.cam.png")));
    }
}
