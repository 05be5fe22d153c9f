using System.Text.Json;

namespace ShuffleNet.Cli.Tests.Commands;

public class PredictCommandTests
{
    private static readonly JsonElement Expected =
        JsonDocument.Parse(File.ReadAllText(CliRunner.Reference("expected_1.0.json"))).RootElement.GetProperty("images");

    private static string Image(string name) => CliRunner.Reference($"images/{name}");

    [Theory]
    [InlineData("torch")]
    [InlineData("ort")]
    public void Json_predictions_match_pytorch_top5_for_every_reference_photo(string backend)
    {
        var r = CliRunner.Run("predict", "--checkpoint", CliRunner.Reference("mmcls_1.0.pth"), "--backend", backend, "--json",
            CliRunner.Reference("images"));
        Assert.Equal(0, r.ExitCode);
        var lines = r.Stdout.Trim().Split('\n');
        Assert.Equal(3, lines.Length);
        foreach (var line in lines)
        {
            var j = JsonDocument.Parse(line).RootElement;
            var name = Path.GetFileName(j.GetProperty("image").GetString()!);
            var expected = Expected.GetProperty(name).GetProperty("top5").EnumerateArray().ToList();
            var top = j.GetProperty("top").EnumerateArray().ToList();
            Assert.Equal(5, top.Count);
            for (int i = 0; i < 5; i++)
            {
                Assert.Equal(expected[i].GetProperty("index").GetInt32(), top[i].GetProperty("index").GetInt32());
                Assert.Equal(expected[i].GetProperty("label").GetString(), top[i].GetProperty("label").GetString());
                Assert.Equal(expected[i].GetProperty("score").GetDouble(), top[i].GetProperty("score").GetDouble(), 1e-3);
            }
        }
    }

    [Fact]
    public void A_bad_image_is_reported_and_the_others_are_still_predicted()
    {
        using var dir = new CliRunner.TempDir();
        var bad = dir.File("broken.jpg");
        File.WriteAllText(bad, "not a jpeg");
        var r = CliRunner.Run("predict", "--checkpoint", CliRunner.Reference("mmcls_1.0.pth"), "--json", "--topk", "2",
            Image("chelsea.png"), bad, Image("coffee.png"));
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(2, r.Stdout.Trim().Split('\n').Length);
        var error = Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.StartsWith("error: ", error);
        Assert.Contains("broken.jpg", error);
    }

    [Fact]
    public void Class_file_with_the_wrong_count_is_refused()
    {
        using var dir = new CliRunner.TempDir();
        File.WriteAllLines(dir.File("classes.txt"), ["cat", "dog"]);
        var r = CliRunner.Run("predict", "--checkpoint", CliRunner.Reference("mmcls_1.0.pth"), "--classes", dir.File("classes.txt"), Image("chelsea.png"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("2 class names for a model of 1000 classes", r.Stderr);
    }
}

public class DeviceOptionTests
{
    [Fact]
    public void Cuda_on_a_machine_without_one_is_one_clear_error()
    {
        var r = CliRunner.Run("predict", "--checkpoint", CliRunner.Reference("mmcls_1.0.pth"), "--device", "cuda", CliRunner.Reference("images/coffee.png"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("no CUDA device", r.Stderr);
        Assert.Equal("", r.Stdout);
    }
}

public class BadImageInAFolderTests
{
    /// <summary>An 8-bit gray PNG, 1 pixel wide and 1,000,000 tall (a few KB): the mmcls pipeline would make it 256 x 256,000,000.</summary>
    internal static void WriteTallPng(string path)
    {
        using var bitmap = new SkiaSharp.SKBitmap(new SkiaSharp.SKImageInfo(1, 1_000_000, SkiaSharp.SKColorType.Gray8));
        using var data = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
    }

    /// <summary>class0/ and class1/, each with copies of two reference photos; returns the folder.</summary>
    internal static string Folder(CliRunner.TempDir dir)
    {
        var images = CliRunner.Reference("images");
        foreach (var (c, name) in new[] { (0, "chelsea.png"), (0, "coffee.png"), (1, "astronaut.png"), (1, "chelsea.png") })
        {
            Directory.CreateDirectory(dir.File($"class{c}"));
            File.Copy(Path.Combine(images, name), dir.File($"class{c}/{c}-{name}"));
        }
        return dir.Path;
    }

    [Fact]
    public void Predict_reports_a_too_large_image_in_the_middle_and_predicts_every_other_one()
    {
        using var dir = new CliRunner.TempDir();
        var folder = Folder(dir);
        WriteTallPng(dir.File("class0/1-tall.png"));   // sorts between the class0 photos
        var r = CliRunner.Run("predict", "--checkpoint", CliRunner.Reference("mmcls_1.0.pth"), "--json", "--topk", "1", folder);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(4, r.Stdout.Trim().Split('\n').Length);
        var error = Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.StartsWith($"error: image '{dir.File("class0/1-tall.png")}' is too large to process", error);
    }
}
