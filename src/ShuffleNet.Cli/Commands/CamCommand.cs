using System.CommandLine;
using ShuffleNet.Checkpoints;
using ShuffleNet.Models;
using ShuffleNet.Serving;
using ShuffleNet.Vision.Datasets;
using ShuffleNet.Vision.Decoding;
using ShuffleNet.Vision.Transforms;
using ShuffleNet.Visualization;
using Spectre.Console;

namespace ShuffleNet.Cli.Commands;

/// <summary>
/// <c>shufflenet cam</c>: Grad-CAM and Grad-CAM++ heat maps (<see cref="GradCam"/>) of a checkpoint on images, one PNG
/// per image with the top-k labels, as mmpretrain's <c>vis_cam.py</c>. A bad image is reported and skipped; the exit
/// code is then 1, after the others.
/// </summary>
internal static class CamCommand
{
    public static Command Create()
    {
        var checkpoint = Options.Checkpoint(required: true);
        var layer = new Option<string>("--target-layer")
        {
            Description = "The layer explained: conv1, stage2, stage3, stage4, conv5 (torchvision's names), a unit " +
                          "(stage4.3), or an mmpretrain module name (backbone.layers.2.3).",
            DefaultValueFactory = _ => GradCam.DefaultLayer,
        };
        var target = new Option<int?>("--class")
        {
            Description = "The class explained (default: each image's top-1 prediction).",
            HelpName = "K",
        };
        var topk = Options.TopK();
        var classes = Options.Classes();
        var resize = Options.Resize();
        var output = Options.Output("Folder for the PNGs (<image name>.cam.png), created if missing.");
        var json = Options.Json();
        var images = new Argument<string[]>("images") { Description = "Image files.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("cam",
            "Grad-CAM and Grad-CAM++: which parts of each image drove the prediction, as heat maps over the image.")
        {
            checkpoint, layer, target, topk, classes, resize, output, json, images,
        };
        command.SetAction(r => Common.Run(() =>
        {
            var path = Common.ResolveCheckpoint(r.GetValue(checkpoint)!);
            if (Backends.IsOnnx(path))
                throw new ArgumentException(
                    $"'{path}' is an ONNX model; Grad-CAM needs gradients: give the .pth checkpoint");
            var settings = new Settings(r.GetValue(layer)!, r.GetValue(target), r.GetValue(topk), r.GetValue(output)!,
                r.GetValue(json));
            return Execute(path, r.GetValue(classes), r.GetValue(resize), settings, r.GetValue(images)!);
        }));
        return command;
    }

    // <name>.cam.png in the output folder: two images of one name (a/x.jpg, b/x.png) would overwrite each other, so
    // they are refused before any work
    private static string[] OutputNames(string[] files, string folder)
    {
        var outputs = files.Select(f => Path.Combine(folder, Path.GetFileNameWithoutExtension(f) + ".cam.png"))
            .ToArray();
        var clash = outputs.Select((o, i) => (o, i)).GroupBy(x => x.o, StringComparer.Ordinal)
            .FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
            throw new ArgumentException($"'{files[clash.First().i]}' and '{files[clash.Skip(1).First().i]}' would " +
                                        $"both write '{clash.Key}'; rename one or run cam on them separately");
        return outputs;
    }

    private sealed record Settings(string Layer, int? Class, int TopK, string Output, bool Json);

    // on the CPU: a few images' gradients take well under a second each there
    private static int Execute(string path, string? classFile, int? resize, Settings s, string[] files)
    {
        var outputs = OutputNames(files, s.Output);
        using var model = ShuffleNetV2Builder.FromCheckpoint(CheckpointFile.Load(path), path);
        var names = classFile is not null ? ClassNames.Load(classFile)
            : model.Classes ?? (model.NumClasses == 1000 ? ClassNames.ImageNet1k : null);
        if (names is not null && names.Count != model.NumClasses)
            throw new ArgumentException($"{names.Count} class names for a model of {model.NumClasses} classes; " +
                                        "give --classes with one name per class");
        if (s.Class is { } k && (k < 0 || k >= model.NumClasses))
            throw new ArgumentException($"--class {k} is outside the model's classes 0..{model.NumClasses - 1}");
        var pipeline = Common.EvalPipeline(path, model.Backbone.Stem.InChannels, resize);
        Directory.CreateDirectory(s.Output);
        int failed = 0;
        foreach (var (file, png) in files.Zip(outputs))
        {
            try
            {
                var chw = pipeline.Run(ImageDecoder.Default.Decode(file));
                int[] shape = [pipeline.Channels, pipeline.Height, pipeline.Width];
                var cam = GradCam.Compute(model, chw, shape, s.Layer, s.Class);
                var top = TopK.Of(cam.Logits, s.TopK, names);
                using var view = pipeline.Normalize.ToImage(chw, pipeline.Height, pipeline.Width);
                string label = names?[cam.Class] ?? $"class_{cam.Class}";
                CamOverlay.Write(png, view, cam, [.. top.Select(t => (t.Index, t.Label, t.Score))],
                    $"{Path.GetFileName(file)}: {label}",
                    $"{Path.GetFileName(path)}, layer {s.Layer} ({GradCam.ModuleName(s.Layer)}, " +
                    $"{cam.Height}x{cam.Width}), " +
                    $"explaining class {cam.Class}");
                if (s.Json)
                    Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new
                    {
                        Image = file, Output = png, Layer = GradCam.ModuleName(s.Layer), Class = cam.Class, Top = top,
                    }, Common.JsonLineOptions));
                else
                    AnsiConsole.MarkupLine($"{Markup.Escape(file)} -> {Markup.Escape(png)} " +
                                           $"(class {cam.Class}: {Markup.Escape(label)})");
            }
            catch (Exception e) when (e is ImageDecodeException or IOException or UnauthorizedAccessException)
            {
                var message = e is ImageDecodeException ? e.Message : $"image '{file}': {e.Message}";
                Console.Error.WriteLine($"error: {message}");
                failed++;
            }
        }
        return failed == 0 ? 0 : 1;
    }
}
