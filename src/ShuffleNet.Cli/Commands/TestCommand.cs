using System.CommandLine;
using ShuffleNet.Checkpoints;
using ShuffleNet.Evaluation;
using ShuffleNet.Training;
using Spectre.Console;

namespace ShuffleNet.Cli.Commands;

/// <summary><c>shufflenet test</c>: top-1/top-5 of a checkpoint on a test set.</summary>
internal static class TestCommand
{
    public static Command Create()
    {
        var checkpoint = Common.Checkpoint(required: true);
        var data = new Option<string>("--data")
        {
            Description = "'fashion-mnist' (Debian's dataset-fashion-mnist) or a folder holding Fashion-MNIST's t10k-*-ubyte.gz files.",
            Required = true,
        };
        var perClass = new Option<bool>("--per-class") { Description = "Also print top-1 for every class." };
        var json = Common.Json();
        var command = new Command("test", "Evaluate a classifier checkpoint: top-1 and top-5 accuracy on a test set.") { checkpoint, data, perClass, json };
        command.SetAction(r => Common.Run(() => Execute(r.GetValue(checkpoint)!, r.GetValue(data)!, r.GetValue(perClass), r.GetValue(json))));
        return command;
    }

    private static int Execute(string checkpointPath, string data, bool perClass, bool json)
    {
        using var model = CheckpointModel.Load(checkpointPath).Model;
        var root = data is "fashion-mnist" or "fashion_mnist" ? FashionMnist.DefaultRoot : data;
        if (!File.Exists(Path.Combine(root, "t10k-images-idx3-ubyte.gz")) && !File.Exists(Path.Combine(root, "t10k-images-idx3-ubyte")) && Directory.Exists(root))
            throw new TrainingException($"'{root}' holds no Fashion-MNIST test files (t10k-images-idx3-ubyte.gz); evaluating image folders needs " +
                                        "ShuffleNet.Vision's loader, which this build does not have yet");
        if (model.Backbone.Stem.InChannels != 1)
            throw new CheckpointException($"checkpoint '{checkpointPath}' takes {model.Backbone.Stem.InChannels}-channel images; Fashion-MNIST is grayscale (1 channel)");
        TorchSharp.torch.set_num_threads(Math.Min(Environment.ProcessorCount, 2));
        var source = FashionMnist.Load(root, train: false, TrainData.EvalBatchSize, seed: 0);
        var result = Evaluator.Run(model, source, model.NumClasses);
        var classes = model.Classes ?? source.Classes;
        var rows = result.PerClass.Select(c => c with { Name = c.Index < classes.Count ? classes[c.Index] : c.Name }).ToList();
        if (json)
        {
            Common.PrintJson(new
            {
                Checkpoint = checkpointPath,
                Arch = ShuffleNetV2Layout.Name(model.Width),
                Data = root,
                Images = result.Count,
                AccuracyTop1 = Math.Round(result.Top1, 4),
                AccuracyTop5 = Math.Round(result.Top5, 4),
                Loss = Math.Round(result.Loss, 6),
                Seconds = Math.Round(result.Seconds, 3),
                PerClass = perClass ? rows : null,
            });
            return 0;
        }
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(checkpointPath)}[/] (ShuffleNetV2 {ShuffleNetV2Layout.Name(model.Width)}, {model.NumClasses} classes) on {Markup.Escape(root)}: {result.Count:N0} images");
        AnsiConsole.MarkupLine($"top-1 [bold]{result.Top1:F2}%[/]  top-5 [bold]{result.Top5:F2}%[/]  loss {result.Loss:F4}  ({result.Seconds:F1} s, {result.Count / result.Seconds:F0} img/s)");
        if (perClass)
        {
            var table = new Table().AddColumns("class", "name", "images", "top-1 %");
            foreach (var c in rows) table.AddRow(c.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(c.Name), $"{c.Count:N0}", $"{c.Top1:F2}");
            AnsiConsole.Write(table);
        }
        return 0;
    }
}
