using System.CommandLine;
using System.Globalization;
using ShuffleNet.Checkpoints;
using ShuffleNet.Onnx.Export;
using ShuffleNet.Onnx.Quantization;
using ShuffleNet.Onnx.Runtime;
using Spectre.Console;

namespace ShuffleNet.Cli.Commands;

/// <summary>
/// <c>shufflenet quantize</c>: a checkpoint to an int8 QDQ ONNX model, calibrated in ONNX Runtime, then checked by the
/// gate (<see cref="QuantizationGate"/>) against the fp32 export on held-out images; a model that fails the gate is
/// not written unless <c>--force</c>. No Python, no TorchSharp.
/// </summary>
internal static class QuantizeCommand
{
    public static Command Create()
    {
        var checkpoint = Options.Checkpoint(required: true);
        var output = Options.Output("The int8 .onnx file to write.");
        var calibration = new Option<string>("--calibration")
        {
            Description = "'fashion-mnist' (calibrate on training images, gate on the 10,000 test images) or an " +
                "image " +
                          "folder (calibrate on random crops of its images, gate on their center crops).",
            Required = true,
        };
        var images = Options.AtLeast(1, new Option<int>("--images") { Description = "Calibration images.",
            DefaultValueFactory = _ => 256 });
        var gateImages = Options.AtLeast(1, new Option<int>("--gate-images") { Description = "Held-out images the " +
            "gate evaluates.", DefaultValueFactory = _ => 10_000 });
        var keepFp32 = new Option<string[]>("--keep-fp32")
        {
            Description = "Layers left in float32: first (the stem conv and max-pool), last (pooling and " +
                "classifier), or both.",
            AllowMultipleArgumentsPerToken = true,
            CustomParser = r =>
            {
                var parts = r.Tokens.SelectMany(t => t.Value.Split(',',
                    StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
                foreach (var p in parts.Where(p => p is not ("first"
                    or "last"))) r.AddError($"--keep-fp32 '{p}' is not known; use first, last or first,last");
                return parts;
            },
        };
        var perChannel = new Option<bool>("--per-channel") { Description = "One weight scale per output channel " +
            "(false: one per conv).", DefaultValueFactory = _ => true };
        var method = new Option<CalibrationMethod>("--method") { Description = "Activation ranges: MinMax, or " +
            "Percentile (clips outliers).", DefaultValueFactory = _ => CalibrationMethod.MinMax };
        var minAgreement = new Option<double>("--min-agreement") { Description = "Gate: least top-1 agreement with " +
            "fp32 (0-1).", DefaultValueFactory = _ => new GateOptions().MinAgreement };
        var maxDrop = new Option<double>("--max-accuracy-drop") { Description = "Gate: most top-1 accuracy lost, in " +
            "points (where labels exist).", DefaultValueFactory = _ => new GateOptions().MaxAccuracyDrop };
        var minSpeedup = new Option<double>("--min-speedup") { Description = "Gate: least speed-up over fp32 at " +
            "every batch size timed.", DefaultValueFactory = _ => new GateOptions().MinSpeedup };
        var batch = Options.Batch("Batch sizes the gate times fp32 and int8 at, interleaved.", [1, 32], several: true);
        var force = new Option<bool>("--force") { Description = "Write the model even if the gate refuses it." };
        var threads = Options.Threads();
        var seed = Options.Seed("Seed of the calibration sample and crops.");
        var json = Options.Json();
        var command = new Command("quantize", "Quantize a checkpoint to an int8 ONNX model, calibrated and checked " +
            "against fp32 for accuracy and speed.")
        {
            checkpoint, output, calibration, images, gateImages, keepFp32, perChannel, method, minAgreement, maxDrop,
                minSpeedup, batch,
            force, threads, seed, json,
        };
        command.SetAction(r => Common.Run(() =>
        {
            var keep = r.GetValue(keepFp32) ?? [];
            var gate = new GateOptions
            {
                MinAgreement = r.GetValue(minAgreement), MaxAccuracyDrop = r.GetValue(maxDrop),
                    MinSpeedup = r.GetValue(minSpeedup),
                SpeedBatches = r.GetValue(batch)!,
            };
            return Execute(Common.ResolveCheckpoint(r.GetValue(checkpoint)!), r.GetValue(output)!,
                r.GetValue(calibration)!,
                r.GetValue(images), r.GetValue(gateImages), keep.Contains("first"), keep.Contains("last"),
                    r.GetValue(perChannel),
                r.GetValue(method), gate, r.GetValue(force), r.GetValue(threads), r.GetValue(seed), r.GetValue(json));
        }));
        return command;
    }

    private static int Execute(string path, string output, string calibrationSpec, int images, int gateImages,
        bool keepFirst, bool keepLast,
        bool perChannel, CalibrationMethod method, GateOptions gate, bool force, int threads, int seed, bool json)
    {
        // fail before the minutes of calibration, not after
        var folder = Path.GetDirectoryName(Path.GetFullPath(output))!;
        if (!Directory.Exists(folder))
            throw new ArgumentException($"--output '{output}': folder '{folder}' does not exist; create it first");
        AtomicFile.CheckTarget(output, [path]);   // not the checkpoint (by any name), a link, a device or a folder
        var ckpt = CheckpointFile.Load(path);
        var (width, _) = LayoutCheck.Validate(ckpt.StateDict, path);
        var stem = StemOptions.FromCheckpoint(ckpt, path);
        var options = new QuantizeOptions
        {
            PerChannel = perChannel, KeepStemFp32 = keepFirst, KeepHeadFp32 = keepLast, Method = method,
            Stem = stem, Classes = ckpt.Classes,
        };
        var data = QuantizeData.Load(calibrationSpec, path, stem.InChannels, ckpt.Classes, images, gateImages, seed);

        // one pool for every session, spinning as ONNX Runtime does by default: the gate times fp32 and int8 like for
        // like
        OrtThreads.ShareOnePool(threads, allowSpinning: true);
        var ort = new OrtOptions { SharedThreadPool = true, ImageSize = stem.ImageSize };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Dictionary<string, ActivationRange> ranges;
        using (var calibrator = new Calibrator(QuantizedExporter.CalibrationModel(ckpt.StateDict, options), ort))
            ranges = calibrator.Calibrate(data.Calibration, method, options.Percentile);
        var int8Bytes = QuantizedExporter.ExportToBytes(ckpt.StateDict, ranges, options);
        double calibrationSeconds = clock.Elapsed.TotalSeconds;

        // the fp32 reference is what `shufflenet export` writes for this checkpoint
        var fp32Bytes = OnnxExporter.ExportToBytes(ckpt, path);
        GateReport report;
        using (var fp32 = OrtClassifier.FromBytes(fp32Bytes, ort))
        using (var int8 = OrtClassifier.FromBytes(int8Bytes, ort))
            report = QuantizationGate.Evaluate(fp32, int8, data.HeldOut, gate);

        bool write = report.Passed || force;
        if (write) AtomicFile.Write(output, s => s.Write(int8Bytes), (m, e) => new OnnxExportException(m, e), [path]);
        Print(json, path, output, width, data, images, calibrationSeconds, options, report, write);
        if (write) return 0;
        Console.Error.WriteLine($"error: the int8 model was not written: {string.Join("; ", report.Failures)} " +
                                "(relax the gate's thresholds, or pass --force to write it anyway)");
        return 1;
    }

    private static void Print(bool json, string path, string output, Width width, QuantizeData data, int images,
        double seconds,
        QuantizeOptions o, GateReport report, bool written)
    {
        var speed = report.Speed.Select(s => new { s.Batch, Fp32Ms = Math.Round(s.Fp32.MedianMs, 3),
            Int8Ms = Math.Round(s.Int8.MedianMs, 3), Speedup = Math.Round(s.Speedup, 3) }).ToList();
        if (json)
        {
            Common.PrintJson(new
            {
                Checkpoint = path, Output = output, Written = written, Arch = ShuffleNetV2Layout.Name(width),
                Calibration = new { Source = data.Source, Images = images, Method = o.Method,
                    Seconds = Math.Round(seconds, 2) },
                Options = new { o.PerChannel, o.KeepStemFp32, o.KeepHeadFp32, Activations = o.Activations },
                Gate = new
                {
                    report.Images, Agreement = Math.Round(report.Agreement, 5),
                        Fp32Accuracy = Round(report.Fp32Accuracy), Int8Accuracy = Round(report.Int8Accuracy),
                    Speed = speed, report.Passed, report.Failures,
                },
            });
            return;
        }
        AnsiConsole.MarkupLine($"calibrated ShuffleNetV2 {ShuffleNetV2Layout.Name(width)} on {images} images from " +
            $"{Markup.Escape(data.Source)} ({o.Method}, {seconds:F1} s)");
        AnsiConsole.MarkupLine($"gate on {report.Images:N0} held-out images: top-1 agreement with fp32 " +
            $"[bold]{report.Agreement:P2}[/]" +
            (report.Fp32Accuracy is { } f ? $", top-1 fp32 [bold]{f:F2}%[/], int8 " +
                $"[bold]{report.Int8Accuracy:F2}%[/]" : ""));
        var table = new Table().AddColumns("batch", "fp32 ms", "int8 ms", "speed-up");
        foreach (var s in speed) table.AddRow(Inv(s.Batch), $"{s.Fp32Ms:F2}", $"{s.Int8Ms:F2}", $"{s.Speedup:F2}x");
        if (speed.Count > 0) AnsiConsole.Write(table);
        foreach (var failure in report.Failures) AnsiConsole.MarkupLine($"[red]refused:[/] {Markup.Escape(failure)}");
        if (written) AnsiConsole.MarkupLine($"wrote {Markup.Escape(output)} ({new FileInfo(output).Length / 1e6:F1} " +
            "MB)");
    }

    private static double? Round(double? v) => v is { } x ? Math.Round(x, 3) : null;

    private static string Inv(int v) => v.ToString(CultureInfo.InvariantCulture);
}
