using System.CommandLine;
using ShuffleNet.Analysis;
using ShuffleNet.Checkpoints;
using ShuffleNet.Platform;
using ShuffleNet.Vision.Decoding;
using Spectre.Console;

namespace ShuffleNet.Cli.Commands;

/// <summary>
/// <c>shufflenet info</c>: architecture, parameters, FLOPs per stage, and the classes of a checkpoint.
/// </summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var arch = Options.Arch("Architecture width (default 1.0x, or the checkpoint's).");
        var checkpoint = Options.Checkpoint();
        var json = Options.Json();
        var command = new Command("info", "Show a ShuffleNet V2 architecture (parameters, FLOPs per stage) and what " +
            "a checkpoint holds.")
        {
            arch, checkpoint, json,
        };
        command.SetAction(r => Common.Run(() => Execute(r.GetValue(arch), r.GetValue(checkpoint), r.GetValue(json))));
        return command;
    }

    private static int Execute(Width? arch, string? checkpointPath, bool json)
    {
        int numClasses = 1000;
        Checkpoint? ckpt = null;
        Width width = arch ?? Width.X1_0;
        if (checkpointPath is not null)
        {
            checkpointPath = Common.ResolveCheckpoint(checkpointPath);
            ckpt = CheckpointFile.Load(checkpointPath);
            var (w, n) = LayoutCheck.Validate(ckpt.StateDict, checkpointPath, arch);
            width = w;
            numClasses = n ?? 0;
        }
        var c = ModelComplexity.Of(width, 224, numClasses);
        var card = ModelCard.Known[width];
        if (json)
        {
            Common.PrintJson(new
            {
                Arch = ShuffleNetV2Layout.Name(width),
                WidenFactor = ShuffleNetV2Layout.WidenFactor(width),
                NumClasses = numClasses,
                c.Parameters,
                FlopsMmcv = c.MmcvFlops,
                MacsConvFc = c.ConvFcMacs,
                Stages = c.Parts.Select(p => new { p.Name, p.Parameters, FlopsMmcv = p.MmcvFlops, p.ConvMacs,
                    p.OutputShape }),
                ModelCard = card,
                Runtime = new { Allocator = Allocator.Mode, JpegDecoder = JpegTurbo.Status },
                Checkpoint = ckpt is null ? null : new
                {
                    Path = checkpointPath,
                    Keys = ckpt.StateDict.Count,
                    Layout = ckpt.SourceLayout,
                    NumClasses = ckpt.Classes?.Count,
                    Classes = ckpt.Classes,
                },
            });
            return 0;
        }
        AnsiConsole.MarkupLine($"[bold]ShuffleNetV2 {ShuffleNetV2Layout.Name(width)}[/] (widen_factor " +
            $"{ShuffleNetV2Layout.WidenFactor(width):0.0}), {numClasses} classes, 224x224 input");
        var table = new Table().AddColumns("part", "output", "params", "FLOPs (mmcv)", "conv MACs");
        foreach (var p in c.Parts)
            table.AddRow(p.Name, Markup.Escape("[" + string.Join(", ", p.OutputShape) + "]"), $"{p.Parameters:N0}",
                $"{p.MmcvFlops / 1e6:F2}M", $"{p.ConvMacs / 1e6:F2}M");
        table.AddRow("[bold]total[/]", "", $"[bold]{c.Parameters:N0}[/]", $"[bold]{c.MmcvFlops / 1e9:F3}G[/] (no head)",
            $"[bold]{c.ConvFcMacs / 1e9:F3}G[/] (with fc)");
        AnsiConsole.Write(table);
        if (card.Top1 is not null)
            AnsiConsole.MarkupLine($"model card: {card.Name}: {card.Parameters:N0} params, {card.Flops / 1e9:F3} " +
                $"GFLOPs, top-1 {card.Top1}, top-5 {card.Top5}");
        AnsiConsole.MarkupLine($"runtime: allocator {Markup.Escape(Allocator.Mode)}; JPEG decoder " +
            $"{Markup.Escape(JpegTurbo.Status)}");
        if (ckpt is not null)
        {
            AnsiConsole.MarkupLine($"checkpoint [bold]{Markup.Escape(checkpointPath!)}[/]: {ckpt.StateDict.Count} " +
                $"tensors, {ckpt.SourceLayout} layout");
            AnsiConsole.MarkupLine(ckpt.Classes is null ? "classes: none in meta" :
                $"classes ({ckpt.Classes.Count}): {Markup.Escape(string.Join(", ", ckpt.Classes.Take(5)))}" +
                (ckpt.Classes.Count > 5 ? ", ..." : ""));
        }
        return 0;
    }
}
