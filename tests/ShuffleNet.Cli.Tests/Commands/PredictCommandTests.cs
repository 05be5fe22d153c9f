using System.Text.Json;

namespace ShuffleNet.Cli.Tests.Commands;

public class PredictCommandTests
{
    private static readonly JsonElement Expected =
        JsonDocument.Parse(File.ReadAllText(CliRunner.Reference("expected_1.0.json")))
            .RootElement.GetProperty("images");

    private static string Image(string name) => CliRunner.Reference($"images/{name}");

    [Theory]
    [InlineData("torch")]
    [InlineData("ort")]
    public void Json_predictions_match_pytorch_top5_for_every_reference_photo(string backend)
    {
        var r = CliRunner.Run("predict", "--checkpoint", CliRunner.Reference("mmcls_1.0.pth"), "--backend", backend,
            "--json",
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
                Assert.Equal(expected[i].GetProperty("score").GetDouble(), top[i].GetProperty("score").GetDouble(),
                    1e-3);
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

    /// <summary>
    /// A folder of 7 files, a broken one third and an empty one last: with --batch 2 the loader fills the batch after
    /// the broken one with the next images, and the last batch is partial. Each image must get what it gets alone
    /// (--batch 1), from every engine.
    /// </summary>
    [Theory]
    [InlineData("torch")]
    [InlineData("ort")]
    public void Batched_predictions_equal_one_image_at_a_time_with_a_bad_image_in_the_middle(string backend)
    {
        using var dir = new CliRunner.TempDir();
        var names = new[] { "1-astronaut.png", "2-chelsea.png", "4-coffee.png", "5-chelsea.png", "6-astronaut.png" };
        foreach (var name in names) File.Copy(Image(name[2..]), dir.File(name));
        File.WriteAllText(dir.File("3-broken.jpg"), "not a jpeg");
        File.WriteAllBytes(dir.File("7-empty.png"), []);
        var runs = new[] { "2", "1" }.Select(batch => CliRunner.Run("predict", "--checkpoint",
            CliRunner.Reference("mmcls_1.0.pth"), "--backend", backend, "--batch", batch, "--json", dir.Path)).ToList();
        foreach (var r in runs)
        {
            Assert.Equal(1, r.ExitCode);   // 1 however many failed
            var errors = r.Stderr.Trim().Split('\n');
            Assert.Equal(2, errors.Length);
            Assert.StartsWith($"error: cannot decode image '{dir.File("3-broken.jpg")}'", errors[0]);
            Assert.StartsWith($"error: cannot decode image '{dir.File("7-empty.png")}'", errors[1]);
        }
        var (batched, alone) = (Parse(runs[0].Stdout), Parse(runs[1].Stdout));
        Assert.Equal(names.Select(dir.File), batched.Select(p => p.Image));   // file order, the broken one left out
        Assert.Equal(alone.Select(p => p.Image), batched.Select(p => p.Image));
        for (int i = 0; i < names.Length; i++)
        {
            Assert.Equal(alone[i].Top.Select(t => t.Index), batched[i].Top.Select(t => t.Index));
            foreach (var (b, a) in batched[i].Top.Zip(alone[i].Top)) Assert.Equal(a.Score, b.Score, 1e-5);
            // and PyTorch's top-5 for the photo, as the whole-folder test checks
            var expected = Expected.GetProperty(names[i][2..]).GetProperty("top5").EnumerateArray()
                .Select(e => e.GetProperty("index").GetInt32());
            Assert.Equal(expected, batched[i].Top.Select(t => t.Index));
        }
    }

    [Fact]
    public void Output_writes_csv_or_json_lines_and_nothing_on_stdout()
    {
        using var dir = new CliRunner.TempDir();
        // names with a comma and a quote, as CSV must quote them ("tench, Tinca tinca")
        File.WriteAllLines(dir.File("classes.txt"), Enumerable.Range(0, 1000).Select(i => $"class {i}, \"{i}\""));
        string[] Args(params string[] extra) => ["predict", "--checkpoint", CliRunner.Reference("mmcls_1.0.pth"),
            "--classes", dir.File("classes.txt"), "--topk", "3", .. extra, CliRunner.Reference("images")];
        var json = CliRunner.Run(Args("--json"));
        var jsonl = CliRunner.Run(Args("--output", dir.File("predictions.jsonl")));
        var csv = CliRunner.Run(Args("--output", dir.File("predictions.csv")));
        foreach (var r in new[] { json, jsonl, csv }) Assert.True(r.ExitCode == 0, r.Stderr);
        foreach (var (r, file) in new[] { (jsonl, "predictions.jsonl"), (csv, "predictions.csv") })
        {
            Assert.Equal("", r.Stdout);
            Assert.Equal($"3 of 3 images predicted: {dir.File(file)}", r.Stderr.Trim());
        }
        Assert.Equal(json.Stdout, File.ReadAllText(dir.File("predictions.jsonl")));

        // the CSV read back by .NET's own RFC 4180 reader holds the JSON's predictions, row by row
        using var parser = new Microsoft.VisualBasic.FileIO.TextFieldParser(dir.File("predictions.csv"))
        {
            TextFieldType = Microsoft.VisualBasic.FileIO.FieldType.Delimited, HasFieldsEnclosedInQuotes = true,
        };
        parser.SetDelimiters(",");
        Assert.Equal(["image", "rank", "index", "label", "score"], parser.ReadFields()!);
        foreach (var p in Parse(json.Stdout))
            for (int rank = 1; rank <= 3; rank++)
            {
                var row = parser.ReadFields()!;
                var t = p.Top[rank - 1];
                Assert.Equal([p.Image, $"{rank}", $"{t.Index}", $"class {t.Index}, \"{t.Index}\""], row[..4]);
                Assert.Equal(t.Score, double.Parse(row[4], System.Globalization.CultureInfo.InvariantCulture));
            }
        Assert.True(parser.EndOfData);
    }

    [Fact]
    public void Output_that_is_an_input_is_refused_before_anything_is_written()
    {
        using var dir = new CliRunner.TempDir();
        File.Copy(Image("coffee.png"), dir.File("coffee.png"));
        File.Copy(CliRunner.Reference("mmcls_1.0.pth"), dir.File("model.pth"));
        var before = (File.ReadAllBytes(dir.File("coffee.png")), File.ReadAllBytes(dir.File("model.pth")));
        foreach (var target in new[] { "coffee.png", "model.pth" })
        {
            var r = CliRunner.Run("predict", "--checkpoint", dir.File("model.pth"), "--output", dir.File(target),
                Image("chelsea.png"), dir.File("coffee.png"));
            Assert.Equal(1, r.ExitCode);
            Assert.Contains($"cannot write '{dir.File(target)}': it is the input", r.Stderr);
        }
        Assert.Equal(before.Item1, File.ReadAllBytes(dir.File("coffee.png")));
        Assert.Equal(before.Item2, File.ReadAllBytes(dir.File("model.pth")));
        Assert.Equal(["coffee.png", "model.pth"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());
    }

    private sealed record Top(int Index, string Label, double Score);
    private sealed record Predicted(string Image, List<Top> Top);

    private static List<Predicted> Parse(string jsonLines) => jsonLines.Trim().Split('\n').Select(line =>
    {
        var j = JsonDocument.Parse(line).RootElement;
        return new Predicted(j.GetProperty("image").GetString()!, j.GetProperty("top").EnumerateArray()
            .Select(t => new Top(t.GetProperty("index").GetInt32(), t.GetProperty("label").GetString()!,
                t.GetProperty("score").GetDouble())).ToList());
    }).ToList();

    [Fact]
    public void Class_file_with_the_wrong_count_is_refused()
    {
        using var dir = new CliRunner.TempDir();
        File.WriteAllLines(dir.File("classes.txt"), ["cat", "dog"]);
        var r = CliRunner.Run("predict", "--checkpoint", CliRunner.Reference("mmcls_1.0.pth"), "--classes",
            dir.File("classes.txt"), Image("chelsea.png"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("2 class names for a model of 1000 classes", r.Stderr);
    }
}

public class DeviceOptionTests
{
    [Fact]
    public void Cuda_on_a_machine_without_one_is_one_clear_error()
    {
        var r = CliRunner.Run("predict", "--checkpoint", CliRunner.Reference("mmcls_1.0.pth"), "--device", "cuda",
            CliRunner.Reference("images/coffee.png"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("no CUDA device", r.Stderr);
        Assert.Equal("", r.Stdout);
    }
}

public class BadImageInAFolderTests
{
    /// <summary>
    /// An 8-bit gray PNG, 1 pixel wide and 1,000,000 tall (a few KB): the mmcls pipeline would make it 256 x
    /// 256,000,000.
    /// </summary>
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
        foreach (var (c, name) in new[] { (0, "chelsea.png"), (0, "coffee.png"), (1, "astronaut.png"), (1,
            "chelsea.png") })
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
        var r = CliRunner.Run("predict", "--checkpoint", CliRunner.Reference("mmcls_1.0.pth"), "--json", "--topk", "1",
            folder);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(4, r.Stdout.Trim().Split('\n').Length);
        var error = Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.StartsWith($"error: image '{dir.File("class0/1-tall.png")}' is too large to process", error);
    }
}
