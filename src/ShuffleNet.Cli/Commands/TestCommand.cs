using System.CommandLine;
using System.Globalization;
using ShuffleNet.Checkpoints;
using ShuffleNet.Data;
using ShuffleNet.Evaluation;
using ShuffleNet.Training;
using ShuffleNet.Vision.Datasets;
using ShuffleNet.Vision.Loading;
using ShuffleNet.Vision.Transforms;
using ShuffleNet.Visualization;
using Spectre.Console;

namespace ShuffleNet.Cli.Commands;

/// <summary>
/// <c>shufflenet test</c>: top-1/top-5 of a checkpoint on a test set (Fashion-MNIST, an image folder, or mmpretrain's
/// annotation-file layout), and with <c>--report</c> the evaluation that explains: precision/recall/F1 per class,
/// the confusion matrix and the most confident mistakes (<see cref="EvaluationReport"/>). An image that fails
/// (unreadable, damaged, too large) is reported on stderr naming the file and left out; the result says how many were
/// skipped. Exit code 1 only when every image failed, or with <c>--strict</c> when any did.
/// </summary>
internal static class TestCommand
{
    public static Command Create()
    {
        var checkpoint = Options.Checkpoint(required: true, onnx: true);
        var data = Options.Data(
            "'fashion-mnist' (Debian's dataset-fashion-mnist), a folder with Fashion-MNIST's t10k-*-ubyte(.gz) " +
            "files, an image folder (<class>/<image>, sorted class names = labels), or with --ann-file the root of " +
            "mmpretrain's layout; images go through the test pipeline (resize, centre crop 224).", required: true);
        var annFile = new Option<string?>("--ann-file")
        {
            Description = "mmpretrain's annotation file (lines 'relative/path.JPEG label'), relative to --data, e.g. " +
                          "meta/val.txt of the ImageNet layout.",
        };
        var dataPrefix = new Option<string?>("--data-prefix")
        {
            Description = "Folder the annotation file's paths are relative to, relative to --data (default: 'val' " +
                          "when --data has one, as mmpretrain's ImageNet layout, else --data itself).",
        };
        var backend = Options.Backend(Backends.Description);
        var resize = Options.Resize();
        var threads = Options.Threads(Backends.ThreadsWithLoader, verbDecides: true);
        var device = Options.Device();
        var perClass = new Option<bool>("--per-class") { Description = "Also print top-1 for every class." };
        var strict = new Option<bool>("--strict")
        {
            Description = "Exit with code 1 when any image fails (by default failed images are reported, skipped " +
                          "and counted).",
        };
        var report = new Option<string?>("--report")
        {
            Description = "Write the evaluation that explains into this folder: metrics.json (precision, recall, F1 " +
                          "per class, macro and micro), per_class.csv, confusion_matrix.csv/.json/.png, mistakes.png.",
            HelpName = "DIR",
        };
        var json = Options.Json();
        var command = new Command("test",
            "Evaluate a classifier checkpoint (or .onnx model): top-1 and top-5 accuracy on a test set.")
        {
            checkpoint, data, annFile, dataPrefix, backend, resize, threads, device, perClass, strict, report, json,
        };
        command.SetAction(r => Common.Run(() =>
        {
            var path = Common.ResolveCheckpoint(r.GetValue(checkpoint)!);
            var set = new TestSet(r.GetValue(data)!, r.GetValue(annFile), r.GetValue(dataPrefix),
                Common.Preprocessing(path, r.GetValue(resize)));
            return Execute(path, set, r.GetValue(backend), r.GetResult(threads) is null ? null : r.GetValue(threads),
                r.GetValue(device)!,
                new Outputs(r.GetValue(perClass), r.GetValue(strict), r.GetValue(report), r.GetValue(json)));
        }));
        return command;
    }

    private sealed record TestSet(string Data, string? AnnFile, string? DataPrefix, EvalPreprocessing Preprocessing);

    private sealed record Outputs(bool PerClass, bool Strict, string? ReportDir, bool Json);

    private static int Execute(string checkpointPath, TestSet set, Backend? chosen, int? threads, string device,
        Outputs o)
    {
        var backend = Backends.Choose(chosen, checkpointPath);
        if (o.ReportDir is not null) EvaluationReport.CheckFolder(o.ReportDir);   // before minutes of evaluation
        var engine = backend.ToString().ToLowerInvariant();
        var (inference, workers) = Backends.SplitCores(backend, threads);
        using var model = Backends.Open(checkpointPath, backend, null, inference, device);
        int numClasses = model.Backend.NumClasses;
        int skipped = 0;
        var (source, root, images) = TestData(set, model.InChannels, checkpointPath, model.Backend.Classes, workers,
            s =>
        {
            skipped++;
            Console.Error.WriteLine($"skipped: {s.Message}");
        });
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
        var rows = result.PerClass.Select(c => c with { Name = c.Index < classes.Count ? classes[c.Index] : c.Name })
            .ToList();
        var files = o.ReportDir is null ? null : EvaluationReport.Write(o.ReportDir, result, classes,
            images?.Invoke(), new ReportSubject(checkpointPath, root, engine));
        if (o.Json)
        {
            var metrics = SingleLabelMetric.Compute(result.Confusion, classes);
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
                Macro = metrics.Macro,
                Preprocessing = model.InChannels == 3 ? set.Preprocessing : null,
                Seconds = Math.Round(result.Seconds, 3),
                PerClass = o.PerClass ? rows : null,
                Report = files,
            });
            return Verdict(skipped, result.Count, o.Strict);
        }
        string skippedNote = skipped > 0 ? $" ({skipped:N0} skipped: they failed, see stderr)" : "";
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(checkpointPath)}[/] ({numClasses} classes, {engine}) " +
                               $"on {Markup.Escape(root)}: {result.Count:N0} images{skippedNote}");
        AnsiConsole.MarkupLine($"top-1 [bold]{result.Top1:F2}%[/]  top-5 [bold]{result.Top5:F2}%[/]  " +
                               $"loss {result.Loss:F4}  " +
                               $"({result.Seconds:F1} s, {result.Count / result.Seconds:F0} img/s)");
        if (o.PerClass)
        {
            var table = new Table().AddColumns("class", "name", "images", "top-1 %");
            foreach (var c in rows)
                table.AddRow(c.Index.ToString(CultureInfo.InvariantCulture), Markup.Escape(c.Name), $"{c.Count:N0}",
                    $"{c.Top1:F2}");
            AnsiConsole.Write(table);
        }
        if (files is not null) AnsiConsole.MarkupLine($"report: {Markup.Escape(string.Join(", ", files))}");
        return Verdict(skipped, result.Count, o.Strict);
    }

    private static int Verdict(int skipped, long evaluated, bool strict)
    {
        if (skipped == 0 || !strict) return 0;
        Console.Error.WriteLine($"error: {skipped:N0} of {skipped + evaluated:N0} images failed (--strict); " +
                                "fix or remove them, or drop --strict");
        return 1;
    }

    // Fashion-MNIST (by name or a folder of its IDX files) for grayscale models; an image folder or an annotation
    // list for RGB ones. The third item opens the same images for a report's gallery, only when one is asked for.
    private static (IBatchSource Source, string Root, Func<IImageDataset>? Images) TestData(TestSet set, int inChannels,
        string checkpointPath, IReadOnlyList<string>? modelClasses, int workers, Action<SkippedSample> onSkipped)
    {
        var root = set.Data is "fashion-mnist" or "fashion_mnist" ? IdxDataset.FashionMnistDefaultDir : set.Data;
        bool idx = File.Exists(Path.Combine(root, "t10k-images-idx3-ubyte.gz")) ||
                   File.Exists(Path.Combine(root, "t10k-images-idx3-ubyte"));
        if (set.AnnFile is null && (idx || !Directory.Exists(root)))
        {
            if (inChannels != 1)
                throw new CheckpointException($"checkpoint '{checkpointPath}' takes {inChannels}-channel images; " +
                                              "Fashion-MNIST is grayscale (1 channel)");
            return (TrainData.FashionMnist(root, train: false, TrainData.EvalBatchSize), root,
                () => IdxDataset.FashionMnist(train: false, root));
        }
        if (inChannels != 3)
            throw new CheckpointException($"checkpoint '{checkpointPath}' takes {inChannels}-channel images; " +
                                          "image folders are evaluated as RGB");
        IImageDataset dataset = set.AnnFile is null
            ? new ImageFolderDataset(root)
            : AnnotationList(set, root, modelClasses);
        var p = set.Preprocessing;
        var loader = new DataLoader(dataset, Presets.ImageNetEval(p.Resize, p.Crop),
            new LoaderOptions
            {
                BatchSize = 32, Shuffle = false, Workers = workers,
                OnCorruptImage = CorruptImagePolicy.Skip, OnSkipped = onSkipped,
            });
        return (new LoaderSource(loader), root, () => dataset);
    }

    // mmpretrain's ImageNet layout: data_root/meta/val.txt lists paths relative to data_root/val
    private static AnnotationListDataset AnnotationList(TestSet set, string root, IReadOnlyList<string>? classes)
    {
        if (!Directory.Exists(root)) throw new DatasetException(root, "folder not found; --data is the layout's root");
        var annotations = Path.Combine(root, set.AnnFile!);
        var prefix = set.DataPrefix is { } given ? Path.Combine(root, given)
            : Directory.Exists(Path.Combine(root, "val")) ? Path.Combine(root, "val") : root;
        return new AnnotationListDataset(annotations, prefix, classes);
    }
}
