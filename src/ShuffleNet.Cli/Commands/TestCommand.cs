using System.CommandLine;
using ShuffleNet.Checkpoints;
using ShuffleNet.Data;
using ShuffleNet.Evaluation;
using ShuffleNet.Training;
using ShuffleNet.Vision.Datasets;
using ShuffleNet.Vision.Loading;
using ShuffleNet.Vision.Transforms;
using Spectre.Console;

namespace ShuffleNet.Cli.Commands;

/// <summary>
/// <c>shufflenet test</c>: top-1/top-5 of a checkpoint on a test set. An image that fails (unreadable, damaged, too
/// large) is reported on stderr naming the file and left out; the result says how many were skipped. Exit code 1 only
/// when every image failed, or with <c>--strict</c> when any did.
/// </summary>
internal static class TestCommand
{
    public static Command Create()
    {
        var checkpoint = Options.Checkpoint(required: true, onnx: true);
        var data = Options.Data(
            "'fashion-mnist' (Debian's dataset-fashion-mnist), a folder with Fashion-MNIST's t10k-*-ubyte(.gz) " +
            "files, or an image folder (<class>/<image>, sorted class names = labels) evaluated with the mmcls " +
            "test pipeline.", required: true);
        var backend = Options.Backend(Backends.Description);
        var threads = Options.Threads();
        var device = Options.Device();
        var perClass = new Option<bool>("--per-class") { Description = "Also print top-1 for every class." };
        var strict = new Option<bool>("--strict")
        {
            Description = "Exit with code 1 when any image fails (by default failed images are reported, skipped " +
                          "and counted).",
        };
        var json = Options.Json();
        var command = new Command("test", "Evaluate a classifier checkpoint (or .onnx model): top-1 and top-5 accuracy on a test set.")
        {
            checkpoint, data, backend, threads, device, perClass, strict, json,
        };
        command.SetAction(r => Common.Run(() => Execute(Common.ResolveCheckpoint(r.GetValue(checkpoint)!), r.GetValue(data)!,
            r.GetValue(backend), r.GetValue(threads), r.GetValue(device)!, r.GetValue(perClass), r.GetValue(strict),
            r.GetValue(json))));
        return command;
    }

    private static int Execute(string checkpointPath, string data, Backend? chosen, int threads, string device,
        bool perClass, bool strict, bool json)
    {
        var backend = Backends.Choose(chosen, checkpointPath);
        var engine = backend.ToString().ToLowerInvariant();
        using var model = Backends.Open(checkpointPath, backend, null, threads, device);
        int skipped = 0;
        var (source, root) = TestData(data, model.InChannels, checkpointPath, s =>
        {
            skipped++;
            Console.Error.WriteLine($"skipped: {s.Message}");
        });
        int numClasses = model.Backend.NumClasses;
        var result = Evaluator.Run(batch =>
        {
            var logits = new float[batch.Labels.Length * numClasses];
            model.Backend.Run(batch.Images, batch.Labels.Length, logits);
            return logits;
        }, source, numClasses);
        if (result.Count == 0)
            throw new ArgumentException(
                $"all {skipped:N0} images of '{root}' failed (see the lines above); nothing was evaluated");
        var classes = model.Backend.Classes ?? source.Classes;
        var rows = result.PerClass.Select(c => c with { Name = c.Index < classes.Count ? classes[c.Index] : c.Name }).ToList();
        if (json)
        {
            Common.PrintJson(new
            {
                Checkpoint = checkpointPath,
                Backend = engine,
                Data = root,
                Images = result.Count,
                Skipped = skipped,
                AccuracyTop1 = Math.Round(result.Top1, 4),
                AccuracyTop5 = Math.Round(result.Top5, 4),
                Loss = Math.Round(result.Loss, 6),
                Seconds = Math.Round(result.Seconds, 3),
                PerClass = perClass ? rows : null,
            });
            return Verdict(skipped, result.Count, strict);
        }
        string skippedNote = skipped > 0 ? $" ({skipped:N0} skipped: they failed, see stderr)" : "";
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(checkpointPath)}[/] ({numClasses} classes, {engine}) " +
                               $"on {Markup.Escape(root)}: {result.Count:N0} images{skippedNote}");
        AnsiConsole.MarkupLine($"top-1 [bold]{result.Top1:F2}%[/]  top-5 [bold]{result.Top5:F2}%[/]  loss {result.Loss:F4}  ({result.Seconds:F1} s, {result.Count / result.Seconds:F0} img/s)");
        if (perClass)
        {
            var table = new Table().AddColumns("class", "name", "images", "top-1 %");
            foreach (var c in rows) table.AddRow(c.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(c.Name), $"{c.Count:N0}", $"{c.Top1:F2}");
            AnsiConsole.Write(table);
        }
        return Verdict(skipped, result.Count, strict);
    }

    private static int Verdict(int skipped, long evaluated, bool strict)
    {
        if (skipped == 0 || !strict) return 0;
        Console.Error.WriteLine($"error: {skipped:N0} of {skipped + evaluated:N0} images failed (--strict); " +
                                "fix or remove them, or drop --strict");
        return 1;
    }

    // Fashion-MNIST (by name or a folder of its IDX files) for grayscale models; an image folder for RGB ones
    private static (IBatchSource Source, string Root) TestData(string data, int inChannels, string checkpointPath,
        Action<SkippedSample> onSkipped)
    {
        var root = data is "fashion-mnist" or "fashion_mnist" ? IdxDataset.FashionMnistDefaultDir : data;
        bool idx = File.Exists(Path.Combine(root, "t10k-images-idx3-ubyte.gz")) || File.Exists(Path.Combine(root, "t10k-images-idx3-ubyte"));
        if (idx || !Directory.Exists(root))
        {
            if (inChannels != 1)
                throw new CheckpointException($"checkpoint '{checkpointPath}' takes {inChannels}-channel images; Fashion-MNIST is grayscale (1 channel)");
            return (TrainData.FashionMnist(root, train: false, TrainData.EvalBatchSize), root);
        }
        if (inChannels != 3)
            throw new CheckpointException($"checkpoint '{checkpointPath}' takes {inChannels}-channel images; image folders are evaluated as RGB");
        var dataset = new ImageFolderDataset(root);
        var loader = new DataLoader(dataset, Presets.ImageNetEval(256, 224), new LoaderOptions
        {
            BatchSize = 32, Shuffle = false, Workers = Environment.ProcessorCount,
            OnCorruptImage = CorruptImagePolicy.Skip, OnSkipped = onSkipped,
        });
        return (new LoaderSource(loader), root);
    }
}
