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

public class TestCommandSkipTests
{
    [Fact]
    public void Failed_images_are_reported_counted_and_skipped_and_strict_makes_them_fatal()
    {
        using var dir = new CliRunner.TempDir();
        var folder = BadImageInAFolderTests.Folder(dir);
        BadImageInAFolderTests.WriteTallPng(dir.File("class0/1-tall.png"));
        File.WriteAllText(dir.File("class1/broken.png"), "not a png");
        var r = CliRunner.Run("test", "--checkpoint", CliRunner.Reference("mmcls_1.0.pth"), "--data", folder, "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(4, r.Json.GetProperty("images").GetInt32());
        Assert.Equal(2, r.Json.GetProperty("skipped").GetInt32());
        var lines = r.Stderr.Trim().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.Contains(lines, l => l.StartsWith("skipped: image '", StringComparison.Ordinal) && l.Contains("1-tall.png' is too large", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("skipped: cannot decode image '", StringComparison.Ordinal) && l.Contains("broken.png", StringComparison.Ordinal));

        var strict = CliRunner.Run("test", "--checkpoint", CliRunner.Reference("mmcls_1.0.pth"), "--data", folder, "--strict");
        Assert.Equal(1, strict.ExitCode);
        Assert.Contains("4 images (2 skipped", strict.Stdout);
        Assert.EndsWith("error: 2 of 6 images failed (--strict); fix or remove them, or drop --strict", strict.Stderr.Trim());
    }

    [Fact]
    public void When_every_image_fails_the_test_fails()
    {
        using var dir = new CliRunner.TempDir();
        Directory.CreateDirectory(dir.File("only"));
        File.WriteAllText(dir.File("only/a.png"), "text");
        File.WriteAllText(dir.File("only/b.jpg"), "text");
        var r = CliRunner.Run("test", "--checkpoint", CliRunner.Reference("mmcls_1.0.pth"), "--data", dir.Path);
        Assert.Equal(1, r.ExitCode);
        Assert.EndsWith($"error: all 2 images of '{dir.Path}' failed (see the lines above); nothing was evaluated", r.Stderr.Trim());
    }
}
