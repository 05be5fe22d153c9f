using System.Text.Json;

namespace ShuffleNet.Cli.Tests.Commands;

public class TestCommandTests
{
    private static string Images => CliRunner.Reference("images");

    private static readonly string[] Photos = ["astronaut.png", "chelsea.png", "coffee.png"];

    // three classes of the reference photos, each photo twice (under its own class and the next one's)
    private static void ThreeClasses(string root)
    {
        for (int c = 0; c < 3; c++) Directory.CreateDirectory(Path.Combine(root, $"class{c}"));
        foreach (var (name, i) in Photos.Select((n, i) => (n, i)))
        {
            File.Copy(Path.Combine(Images, name), Path.Combine(root, $"class{i}/{name}"));
            File.Copy(Path.Combine(Images, name), Path.Combine(root, $"class{(i + 1) % 3}/copy-{name}"));
        }
    }

    [Fact]
    public void A_report_the_folder_cannot_take_is_refused_before_the_evaluation()
    {
        using var dir = new CliRunner.TempDir();
        ThreeClasses(dir.File("data"));
        File.WriteAllText(dir.File("report"), "a file, not a folder");
        Directory.CreateDirectory(dir.File("taken/metrics.json"));   // a folder where a report file goes
        foreach (var (target, says) in new[]
                 { ("report", "is a file; give a folder"), ("taken", "not a regular file") })
        {
            var r = CliRunner.Run("test", "--checkpoint", CliRunner.Reference("mmcls_1.0.pth"), "--data",
                dir.File("data"), "--report", dir.File(target));
            Assert.Equal(1, r.ExitCode);
            Assert.Contains(says, r.Stderr);
            Assert.DoesNotContain("top-1", r.Stdout);   // refused before any image was evaluated
        }
        Assert.Equal("a file, not a folder", File.ReadAllText(dir.File("report")));
    }

    [Theory]
    [InlineData("torch")]
    [InlineData("ort")]
    public void Report_explains_the_evaluation_in_files_that_agree_with_each_other(string backend)
    {
        using var dir = new CliRunner.TempDir();
        ThreeClasses(dir.File("data"));
        var r = CliRunner.Run("test", "--checkpoint", CliRunner.Reference("mmcls_1.0.pth"), "--data", dir.File("data"),
            "--backend", backend, "--report", dir.File("report"), "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var metrics = JsonDocument.Parse(File.ReadAllText(dir.File("report/metrics.json"))).RootElement;
        var matrix = JsonDocument.Parse(File.ReadAllText(dir.File("report/confusion_matrix.json"))).RootElement;
        // 1000 x 1000 cells, the 6 images in them; every image of the random-weight reference net is a mistake
        var rows = matrix.GetProperty("matrix").EnumerateArray()
            .Select(row => row.EnumerateArray().Select(v => v.GetInt64()).ToArray()).ToArray();
        Assert.Equal(1000, rows.Length);
        Assert.Equal(6, rows.Sum(row => row.Sum()));
        Assert.Equal([2, 2, 2], rows.Take(3).Select(row => row.Sum()));
        Assert.Equal(r.Json.GetProperty("accuracy_top1").GetDouble(),
            metrics.GetProperty("micro").GetProperty("precision").GetDouble(), 9);
        Assert.Equal(6, metrics.GetProperty("macro").GetProperty("support").GetInt64());
        var perClass = File.ReadAllLines(dir.File("report/per_class.csv"));
        Assert.Equal("index,name,precision,recall,f1,support", perClass[0]);
        Assert.Equal("0,tench,0,0,0,2", perClass[1]);
        Assert.Equal(1 + 1000 + 2, perClass.Length);
        var mistakes = metrics.GetProperty("most_confident_mistakes").EnumerateArray().ToList();
        Assert.Equal(6, mistakes.Count);
        var confidences = mistakes.Select(m => m.GetProperty("confidence").GetDouble()).ToList();
        Assert.Equal(confidences.OrderDescending(), confidences);
        Assert.All(mistakes, m => Assert.True(File.Exists(m.GetProperty("source").GetString())));
        // beyond 30 classes the picture is the largest confusions, not a 1000 x 1000 carpet
        Assert.Equal((1100, 260), PngSize(dir.File("report/confusion_matrix.png")));
        Assert.Equal((850, 526), PngSize(dir.File("report/mistakes.png")));   // 6 tiles: two rows of four
    }

    [Fact]
    public void Annotation_file_layout_is_evaluated_as_mmpretrain_reads_it()
    {
        // mmpretrain's ImageNet layout: data_root/meta/val.txt, paths relative to data_root/val
        using var dir = new CliRunner.TempDir();
        var root = dir.File("imagenet");
        Directory.CreateDirectory(Path.Combine(root, "val"));
        Directory.CreateDirectory(Path.Combine(root, "meta"));
        ThreeClasses(dir.File("folder"));
        var lines = new List<string>();
        foreach (var file in Directory.EnumerateFiles(dir.File("folder"), "*.png", SearchOption.AllDirectories).Order())
        {
            var name = $"{Path.GetFileName(Path.GetDirectoryName(file))}_{Path.GetFileName(file)}";
            File.Copy(file, Path.Combine(root, "val", name));
            lines.Add($"{name} {Path.GetFileName(Path.GetDirectoryName(file))![^1]}");
        }
        File.WriteAllLines(Path.Combine(root, "meta", "val.txt"), lines);
        var folder = CliRunner.Run("test", "--checkpoint", CliRunner.Reference("mmcls_1.0.pth"), "--data",
            dir.File("folder"), "--json");
        var list = CliRunner.Run("test", "--checkpoint", CliRunner.Reference("mmcls_1.0.pth"), "--data", root,
            "--ann-file", "meta/val.txt", "--json");
        Assert.True(list.ExitCode == 0, list.Stderr);
        Assert.Equal(6, list.Json.GetProperty("images").GetInt32());
        Assert.Equal(folder.Json.GetProperty("loss").GetDouble(), list.Json.GetProperty("loss").GetDouble(), 9);

        File.AppendAllLines(Path.Combine(root, "meta", "val.txt"), ["missing.JPEG 1"]);
        var bad = CliRunner.Run("test", "--checkpoint", CliRunner.Reference("mmcls_1.0.pth"), "--data", root,
            "--ann-file", "meta/val.txt");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("missing.JPEG", bad.Stderr);
    }

    [Fact]
    public void A_checkpoint_is_evaluated_with_its_publishers_preprocessing()
    {
        // torchvision's x1.5 weights declare resize_size=232; the file is known by its published name (the
        // reference 1.0x weights under that name stand in for it: the width comes from the tensors)
        using var dir = new CliRunner.TempDir();
        ThreeClasses(dir.File("data"));
        var named = dir.File("shufflenetv2_x1_5-3c479a10.pth");
        File.Copy(CliRunner.Reference("mmcls_1.0.pth"), named);
        var asPublished = CliRunner.Run("test", "--checkpoint", named, "--data", dir.File("data"), "--json");
        var reference = CliRunner.Reference("mmcls_1.0.pth");
        var plain = CliRunner.Run("test", "--checkpoint", reference, "--data", dir.File("data"), "--json");
        var resized = CliRunner.Run("test", "--checkpoint", reference, "--data", dir.File("data"), "--resize", "232",
            "--json");
        Assert.Equal(232, asPublished.Json.GetProperty("preprocessing").GetProperty("resize").GetInt32());
        Assert.Equal(256, plain.Json.GetProperty("preprocessing").GetProperty("resize").GetInt32());
        Assert.Equal(resized.Json.GetProperty("loss").GetDouble(), asPublished.Json.GetProperty("loss").GetDouble(), 9);
        Assert.NotEqual(plain.Json.GetProperty("loss").GetDouble(), asPublished.Json.GetProperty("loss").GetDouble(),
            4);
    }

    internal static (int Width, int Height) PngSize(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        return (System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)),
                System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
    }

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
        var torch = CliRunner.Run("test", "--checkpoint", CliRunner.Reference("mmcls_1.0.pth"), "--data", dir.Path,
            "--json");
        var ort = CliRunner.Run("test", "--checkpoint", CliRunner.Reference("mmcls_1.0.pth"), "--data", dir.Path,
            "--backend", "ort", "--json");
        Assert.Equal(0, torch.ExitCode);
        Assert.Equal(0, ort.ExitCode);
        Assert.Equal(6, torch.Json.GetProperty("images").GetInt32());
        Assert.Equal(torch.Json.GetProperty("accuracy_top1").GetDouble(), ort.Json.GetProperty("accuracy_top1")
            .GetDouble());
        Assert.Equal(torch.Json.GetProperty("accuracy_top5").GetDouble(), ort.Json.GetProperty("accuracy_top5")
            .GetDouble());
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
        Assert.Contains(lines, l => l.StartsWith("skipped: image '", StringComparison.Ordinal)
            && l.Contains("1-tall.png' is too large", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("skipped: cannot decode image '", StringComparison.Ordinal)
            && l.Contains("broken.png", StringComparison.Ordinal));

        var strict = CliRunner.Run("test", "--checkpoint", CliRunner.Reference("mmcls_1.0.pth"), "--data", folder,
            "--strict");
        Assert.Equal(1, strict.ExitCode);
        Assert.Contains("4 images (2 skipped", strict.Stdout);
        Assert.EndsWith("error: 2 of 6 images failed (--strict); fix or remove them, or drop --strict",
            strict.Stderr.Trim());
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
        Assert.EndsWith($"error: all 2 images of '{dir.Path}' failed (see the lines above); nothing was evaluated",
            r.Stderr.Trim());
    }
}
