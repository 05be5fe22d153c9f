using System.CommandLine;
using System.Text.Json;
using ShuffleNet.Checkpoints;
using ShuffleNet.Serving;
using ShuffleNet.Vision.Datasets;
using ShuffleNet.Vision.Loading;
using ShuffleNet.Vision.Transforms;
using Spectre.Console;

namespace ShuffleNet.Cli.Commands;

/// <summary>
/// <c>shufflenet predict</c>: the checkpoint's test pipeline (decode, resize, centre crop, normalize) and the top-k
/// classes per image. Images are decoded on the parallel loader's worker threads and run in batches; results come in
/// the order of the files. An image that fails in any way (unreadable, damaged, too large to process) is reported on
/// stderr naming the file and skipped; the exit code is then 1, after all other images have been predicted.
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
        var resize = Options.Resize();
        var batch = Options.Batch("Images per inference call (the loader's workers decode ahead).", [32]);
        var threads = Options.Threads(Backends.ThreadsWithLoader, verbDecides: true);
        var device = Options.Device();
        var json = Options.Json();
        var output = Options.Output("Write the predictions to this file instead of stdout: CSV for a .csv name " +
                                    "(image,rank,index,label,score), else JSON lines as --json prints them. Written " +
                                    "to a temporary file and renamed at the end.", required: false);
        var images = new Argument<string[]>("images")
        {
            Description = "Image files or folders (searched recursively for .jpg, .png, .bmp, .webp, .gif).",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("predict", "Classify images with a ShuffleNet V2 checkpoint or ONNX model.")
        {
            checkpoint, arch, topk, classes, backend, resize, batch, threads, device, json, output, images,
        };
        command.SetAction(r => Common.Run(() =>
        {
            var files = ExpandImages(r.GetValue(images)!);
            var outputPath = r.GetValue(output);
            var path = Common.ResolveCheckpoint(r.GetValue(checkpoint)!);
            // checked before the model loads: the output may be none of the inputs
            var inputs = new List<string>(files) { path };
            if (r.GetValue(classes) is { } classFile) inputs.Add(classFile);
            if (outputPath is not null) AtomicFile.CheckTarget(outputPath, inputs, OutputError);
            var (inference, workers) = Backends.SplitCores(Backends.Choose(r.GetValue(backend), path),
                r.GetResult(threads) is null ? null : r.GetValue(threads));
            using var model = Backends.Open(path, r.GetValue(backend), r.GetValue(arch), inference,
                r.GetValue(device)!);
            var names = r.GetValue(classes) is { } list ? ClassNames.Load(list) : model.Backend.Classes
                ?? (model.Backend.NumClasses == 1000 ? ClassNames.ImageNet1k : null);
            if (names is not null && names.Count != model.Backend.NumClasses)
                throw new ArgumentException($"{names.Count} class names for a model of {model.Backend.NumClasses} " +
                                            "classes; give --classes with one name per class");
            var pipeline = Common.EvalPipeline(path, model.InChannels, r.GetValue(resize));
            // no buffer larger than the images to fill it
            int batchSize = Math.Min(r.GetValue(batch)![0], Math.Max(1, files.Count));
            var run = new Run(model, pipeline, files, names, r.GetValue(topk), batchSize, workers);
            int failed = 0;
            if (outputPath is null)
            {
                // a bar between the lines of a terminal's stdout would garble them
                failed = run.Execute(r.GetValue(json) ? JsonLine : Print, progress: Console.IsOutputRedirected);
                return failed == 0 ? 0 : 1;
            }
            AtomicFile.Write(outputPath, stream =>
            {
                using var writer = new StreamWriter(stream, leaveOpen: true);
                bool csv = outputPath.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);
                if (csv) writer.WriteLine("image,rank,index,label,score");
                failed = run.Execute(csv ? Csv(writer) : JsonLine(writer), progress: true);
            }, OutputError, inputs);
            Console.Error.WriteLine($"{files.Count - failed:N0} of {files.Count:N0} images predicted: {outputPath}");
            return failed == 0 ? 0 : 1;
        }));
        return command;
    }

    private static Exception OutputError(string message, Exception? inner) => new IOException(message, inner);

    /// <summary>One predict pass: batches from the loader, top-k per image, each result to a sink in file
    /// order.</summary>
    private sealed class Run(OpenedModel model, Pipeline pipeline, List<string> files, IReadOnlyList<string>? names,
        int k, int batchSize, int workers)
    {
        /// <summary>Predicts every file; returns how many failed. With <paramref name="progress"/>, a progress bar on
        /// stderr when it is a terminal.</summary>
        public int Execute(Action<string, IReadOnlyList<Prediction>> emit, bool progress)
        {
            if (!progress || Console.IsErrorRedirected) return Loop(emit, Console.Error.WriteLine, _ => { });
            var stderr = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            return stderr.Progress().AutoClear(true)
                .Columns(new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(),
                    new SpinnerColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask("predict", maxValue: files.Count);
                    // error lines through the same console, so the live bar redraws below them
                    return Loop(emit, line => stderr.WriteLine(line), n => task.Increment(n));
                });
        }

        private int Loop(Action<string, IReadOnlyList<Prediction>> emit, Action<string> error, Action<int> advance)
        {
            int failed = 0;
            var loader = new DataLoader(new ImageFileList(files), pipeline, new LoaderOptions
            {
                BatchSize = batchSize, Shuffle = false, Workers = workers,
                OnCorruptImage = CorruptImagePolicy.Skip,
                OnSkipped = s =>
                {
                    error($"error: {s.Message}");
                    failed++;
                    advance(1);
                },
            });
            int classes = model.Backend.NumClasses;
            var logits = new float[batchSize * classes];
            foreach (var batch in loader.GetEpoch(0))
                using (batch)
                {
                    var ok = Infer(batch, logits, error);
                    for (int i = 0; i < batch.Count; i++)
                    {
                        if (!ok[i]) { failed++; continue; }
                        emit(files[batch.Indices[i]], TopK.Of(logits.AsSpan(i * classes, classes), k, names));
                    }
                    advance(batch.Count);
                }
            return failed;
        }

        // the whole batch in one call; should it fail, image by image, so the failure names its file
        private bool[] Infer(Batch batch, float[] logits, Action<string> error)
        {
            int n = batch.Count, size = pipeline.SampleSize, classes = model.Backend.NumClasses;
            var ok = Enumerable.Repeat(true, n).ToArray();
            try
            {
                model.Backend.Run(batch.Images.Span, n, logits.AsSpan(0, n * classes));
                return ok;
            }
            catch (Exception) when (n > 1)
            {
                for (int i = 0; i < n; i++)
                    ok[i] = InferOne(batch.Images.Span.Slice(i * size, size), logits.AsSpan(i * classes, classes),
                        files[batch.Indices[i]], error);
                return ok;
            }
            catch (Exception e)
            {
                error($"error: image '{files[batch.Indices[0]]}': {e.Message}");
                return [false];
            }
        }

        private bool InferOne(ReadOnlySpan<float> image, Span<float> logits, string file, Action<string> error)
        {
            try
            {
                model.Backend.Run(image, 1, logits);
                return true;
            }
            catch (Exception e)   // one image's failure, whatever it is, must not cost the others their predictions
            {
                error($"error: image '{file}': {e.Message}");
                return false;
            }
        }
    }

    private static List<string> ExpandImages(string[] inputs)
    {
        var files = new List<string>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
            {
                var found = Directory.EnumerateFiles(input, "*", SearchOption.AllDirectories)
                    .Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                    .Order(StringComparer.Ordinal).ToList();
                if (found.Count == 0)
                    throw new ArgumentException(
                        $"folder '{input}' holds no images ({string.Join(", ", ImageExtensions)})");
                files.AddRange(found);
            }
            else
                files.Add(input); // a missing file is reported with the others, by the loader
        }
        return files;
    }

    // the record `shufflenet serve` answers with, so both print the same JSON for the same image
    private static void JsonLine(string file, IReadOnlyList<Prediction> top) =>
        Console.WriteLine(JsonSerializer.Serialize(new ImageResult(file, top), Common.JsonLineOptions));

    private static Action<string, IReadOnlyList<Prediction>> JsonLine(TextWriter writer) => (file, top) =>
        writer.WriteLine(JsonSerializer.Serialize(new ImageResult(file, top), Common.JsonLineOptions));

    private static Action<string, IReadOnlyList<Prediction>> Csv(TextWriter writer) => (file, top) =>
    {
        for (int i = 0; i < top.Count; i++)
            writer.WriteLine(string.Join(',', CsvText.Field(file), i + 1, top[i].Index, CsvText.Field(top[i].Label),
                top[i].Score.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
    };

    private static void Print(string file, IReadOnlyList<Prediction> top)
    {
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(file)}[/]");
        foreach (var t in top) AnsiConsole.MarkupLine($"  {t.Score,8:P2}  {t.Index,5}  {Markup.Escape(t.Label)}");
    }
}
