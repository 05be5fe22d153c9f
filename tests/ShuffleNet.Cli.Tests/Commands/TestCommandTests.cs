namespace ShuffleNet.Cli.Tests.Commands;

public class TestCommandTests
{
    private static string Images => CliRunner.Reference("images");

    [Fact]
    public void Image_folder_evaluation_agrees_between_torchsharp_and_onnx_runtime()
    {
        // three classes of copies of the reference photos; labels 0..2 against the 1000-way reference head
        using var dir = new CliRunner.TempDir();
        for (int c = 0; c < 3; c++) Directory.CreateDirectory(dir.File($"class{c}"));
        foreach (var (name, i) in new[] { "astronaut.png", "chelsea.png", "coffee.png" }.Select((n, i) => (n, i)))
        {
            File.Copy(Path.Combine(Images, name), dir.File($"class{i}/{name}"));
            File.Copy(Path.Combine(Images, name), dir.File($"class{(i + 1) % 3}/copy-{name}"));
        }
        var torch = CliRunner.Run("test", "--checkpoint", CliRunner.Reference("mmcls_1.0.pth"), "--data", dir.Path, "--json");
        var ort = CliRunner.Run("test", "--checkpoint", CliRunner.Reference("mmcls_1.0.pth"), "--data", dir.Path, "--backend", "ort", "--json");
        Assert.Equal(0, torch.ExitCode);
        Assert.Equal(0, ort.ExitCode);
        Assert.Equal(6, torch.Json.GetProperty("images").GetInt32());
        Assert.Equal(torch.Json.GetProperty("accuracy_top1").GetDouble(), ort.Json.GetProperty("accuracy_top1").GetDouble());
        Assert.Equal(torch.Json.GetProperty("accuracy_top5").GetDouble(), ort.Json.GetProperty("accuracy_top5").GetDouble());
        Assert.Equal(torch.Json.GetProperty("loss").GetDouble(), ort.Json.GetProperty("loss").GetDouble(), 1e-3);
        Assert.True(torch.Json.GetProperty("loss").GetDouble() > 0);
    }

    [Fact]
    public void Rgb_checkpoint_on_fashion_mnist_is_refused_with_the_reason()
    {
        var r = CliRunner.Run("test", "--checkpoint", CliRunner.Reference("mmcls_1.0.pth"), "--data", "fashion-mnist");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("grayscale", r.Stderr);
    }
}
