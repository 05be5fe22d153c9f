using System.CommandLine;
using ShuffleNet.Checkpoints;
using ShuffleNet.Models;
using ShuffleNet.Serving;
using ShuffleNet.Vision.Datasets;
using ShuffleNet.Vision.Decoding;
using ShuffleNet.Vision.Transforms;
using Spectre.Console;

namespace ShuffleNet.Cli.Commands;

/// <summary>
/// <c>shufflenet predict</c>: the mmcls test pipeline (decode, short side 256, center crop 224, normalize) and the top-k
/// classes per image. An image that fails in any way (unreadable, damaged, too large to process) is reported on stderr
/// naming the file and skipped; the exit code is then 1, after all other images have been predicted.
/// </summary>
internal static class PredictCommand
{
    private static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".bmp", ".webp", ".gif"];

    public static Command Create()
    {
        var checkpoint = Options.Checkpoint(required: true, onnx: true);
        var arch = Options.Arch("Expected width; the checkpoint must match it (default: inferred from the tensors).");
        var topk = Options.TopK();
        var classes = Options.Classes();
        var backend = Options.Backend(Backends.Description);
        var threads = Options.Threads();
        var device = Options.Device();
        var json = Options.Json();
        var images = new Argument<string[]>("images") { Description = "Image files or folders (searched recursively for .jpg, .png, .bmp, .webp, .gif).", Arity = ArgumentArity.OneOrMore };
        var command = new Command("predict", "Classify images with a ShuffleNet V2 checkpoint or ONNX model.")
        {
            checkpoint, arch, topk, classes, backend, threads, device, json, images,
        };
        command.SetAction(r => Common.Run(() =>
        {
            int k = r.GetValue(topk);
            var files = ExpandImages(r.GetValue(images)!);
            using var model = Backends.Open(Common.ResolveCheckpoint(r.GetValue(checkpoint)!), r.GetValue(backend),
                r.GetValue(arch), r.GetValue(threads), r.GetValue(device)!);
            var names = r.GetValue(classes) is { } path ? ClassNames.Load(path) : model.Backend.Classes
                ?? (model.Backend.NumClasses == 1000 ? ClassNames.ImageNet1k : null);
            if (names is not null && names.Count != model.Backend.NumClasses)
                throw new ArgumentException($"{names.Count} class names for a model of {model.Backend.NumClasses} classes; give --classes with one name per class");
            var pipeline = model.InChannels == 1 ? Presets.FashionMnistPredict() : Presets.ImageNetEval(256, 224);
            var input = new float[pipeline.SampleSize];
            var logits = new float[model.Backend.NumClasses];
            int failed = 0;
            foreach (var file in files)
            {
                try
                {
                    pipeline.Run(ImageDecoder.Default.Decode(file), new Random(0), input, file);
                    model.Backend.Run(input, 1, logits);
                }
                catch (Exception e)   // one image's failure, whatever it is, must not cost the others their predictions
                {
                    string what = e is ImageDecodeException ? e.Message : $"image '{file}': {e.Message}";
                    Console.Error.WriteLine($"error: {what}");
                    failed++;
                    continue;
                }
                var top = TopK.Of(logits, k, names);
                // the record `shufflenet serve` answers with, so both print the same JSON for the same image
                if (r.GetValue(json)) Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new ImageResult(file, top), Common.JsonLineOptions));
                else Print(file, top);
            }
            return failed == 0 ? 0 : 1;
        }));
        return command;
    }

    private static List<string> ExpandImages(string[] inputs)
    {
        var files = new List<string>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
                files.AddRange(Directory.EnumerateFiles(input, "*", SearchOption.AllDirectories)
                    .Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order(StringComparer.Ordinal));
            else
                files.Add(input); // a missing file is reported with the others, by the decoder
        }
        return files;
    }

    private static void Print(string file, IReadOnlyList<Prediction> top)
    {
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(file)}[/]");
        foreach (var t in top) AnsiConsole.MarkupLine($"  {t.Score,8:P2}  {t.Index,5}  {Markup.Escape(t.Label)}");
    }
}
