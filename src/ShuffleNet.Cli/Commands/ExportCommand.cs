using System.CommandLine;
using ShuffleNet.Checkpoints;
using ShuffleNet.Onnx.Export;

namespace ShuffleNet.Cli.Commands;

/// <summary>
/// <c>shufflenet export</c>: a checkpoint to ONNX (BatchNorm folded, channel shuffles folded into weight order), class names
/// in the model's metadata, written atomically. Needs no TorchSharp: the weights go from the file to the graph directly.
/// </summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var checkpoint = Common.Checkpoint(required: true);
        var output = new Option<string>("--output") { Description = "The .onnx file to write.", Required = true };
        var opset = new Option<int>("--opset") { Description = $"ONNX opset, {ExportOptions.DefaultOpset} to {OnnxExporter.MaxOpset}.", DefaultValueFactory = _ => ExportOptions.DefaultOpset };
        var batch = new Option<string>("--batch") { Description = "A fixed batch size, or 'dynamic'.", DefaultValueFactory = _ => "dynamic" };
        var arch = Common.Arch("Expected width; the checkpoint must match it (default: inferred).");
        var json = Common.Json();
        var command = new Command("export", "Export a ShuffleNet V2 checkpoint to ONNX, optimised for ONNX Runtime.") { checkpoint, output, opset, batch, arch, json };
        command.SetAction(r => Common.Run(() =>
        {
            var path = Common.ResolveCheckpoint(r.GetValue(checkpoint)!);
            var text = r.GetValue(batch)!;
            int? fixedBatch = text == "dynamic" ? null
                : int.TryParse(text, out var b) && b > 0 ? b : throw new ArgumentException($"--batch '{text}' is neither a positive integer nor 'dynamic'");
            var ckpt = CheckpointFile.Load(path);
            var (width, numClasses) = LayoutCheck.Validate(ckpt.StateDict, path, r.GetValue(arch));
            if (ShuffleNetV2Layout.InferInChannels(ckpt.StateDict) != 3)
                throw new ArgumentException($"checkpoint '{path}' has a grayscale stem; the ONNX export covers RGB (ImageNet-stem) models");
            var outPath = r.GetValue(output)!;
            OnnxExporter.Export(ckpt.StateDict, outPath, new ExportOptions { Opset = r.GetValue(opset), Batch = fixedBatch, Classes = ckpt.Classes });
            if (r.GetValue(json))
                Common.PrintJson(new { Checkpoint = path, Output = outPath, Arch = ShuffleNetV2Layout.Name(width), NumClasses = numClasses, Opset = r.GetValue(opset), Batch = text, Bytes = new FileInfo(outPath).Length });
            else
                Console.WriteLine($"wrote {outPath} (ShuffleNetV2 {ShuffleNetV2Layout.Name(width)}, {numClasses} classes, opset {r.GetValue(opset)}, batch {text}, {new FileInfo(outPath).Length / 1e6:F1} MB)");
            return 0;
        }));
        return command;
    }
}
