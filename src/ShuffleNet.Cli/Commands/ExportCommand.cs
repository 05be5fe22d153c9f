using System.CommandLine;
using ShuffleNet.Checkpoints;
using ShuffleNet.Onnx.Export;

namespace ShuffleNet.Cli.Commands;

/// <summary>
/// <c>shufflenet export</c>: a checkpoint to ONNX (BatchNorm folded, channel shuffles folded into weight order), class
/// names in the model's metadata, written atomically. Needs no TorchSharp: the weights go from the file to the graph
/// directly. The stem, and so the input (<c>[N, 3, 224, 224]</c> or Fashion-MNIST's <c>[N, 1, 28, 28]</c>), is the
/// checkpoint's.
/// </summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var checkpoint = Options.Checkpoint(required: true);
        var output = Options.Output("The .onnx file to write.");
        var opset = new Option<int>("--opset") { Description = $"ONNX opset, {ExportOptions.DefaultOpset} to " +
            $"{OnnxExporter.MaxOpset}.", DefaultValueFactory = _ => ExportOptions.DefaultOpset };
        var batch = Options.Batch("A fixed batch size, or 'dynamic' (the default).", [], dynamic: true);
        var arch = Options.Arch("Expected width; the checkpoint must match it (default: inferred).");
        var json = Options.Json();
        var command = new Command("export",
            "Export a ShuffleNet V2 checkpoint to ONNX, optimised for ONNX Runtime.") { checkpoint, output, opset,
            batch, arch, json };
        command.SetAction(r => Common.Run(() =>
        {
            var path = Common.ResolveCheckpoint(r.GetValue(checkpoint)!);
            var outPath = r.GetValue(output)!;
            AtomicFile.CheckTarget(outPath, [path]);   // not the checkpoint (by any name), a link, a device or a folder
            int? fixedBatch = r.GetValue(batch) is [var b] ? b : null;
            var text = fixedBatch?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "dynamic";
            var ckpt = CheckpointFile.Load(path);
            var (width, numClasses) = LayoutCheck.Validate(ckpt.StateDict, path, r.GetValue(arch));
            var stem = StemOptions.FromCheckpoint(ckpt, path);
            var options = new ExportOptions { Opset = r.GetValue(opset), Batch = fixedBatch, Stem = stem };
            OnnxExporter.Export(ckpt, path, outPath, options);
            int[] input = [stem.InChannels, stem.ImageSize, stem.ImageSize];
            string archName = ShuffleNetV2Layout.Name(width);
            long bytes = new FileInfo(outPath).Length;
            if (r.GetValue(json))
                Common.PrintJson(new { Checkpoint = path, Output = outPath, Arch = archName, NumClasses = numClasses,
                    Opset = options.Opset, Batch = text, Input = input, Stem = stem, Bytes = bytes });
            else
                Console.WriteLine($"wrote {outPath} (ShuffleNetV2 {archName}, {numClasses} classes, input " +
                    $"{string.Join('x', input)}, opset {options.Opset}, batch {text}, {bytes / 1e6:F1} MB)");
            return 0;
        }));
        return command;
    }
}
