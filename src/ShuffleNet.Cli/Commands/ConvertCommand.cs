using System.CommandLine;
using ShuffleNet.Checkpoints;

namespace ShuffleNet.Cli.Commands;

/// <summary><c>shufflenet convert</c>: rewrites a checkpoint in mmpretrain's or torchvision's layout.</summary>
internal static class ConvertCommand
{
    public static Command Create()
    {
        var checkpoint = Options.Checkpoint(required: true);
        var output = Options.Output("Where to write the converted checkpoint (.pth).");
        var to = new Option<CheckpointLayout>("--to") { Description = "Target layout: Mmpretrain or Torchvision.", DefaultValueFactory = _ => CheckpointLayout.Mmpretrain };
        var json = Options.Json();
        var command = new Command("convert", "Convert a ShuffleNet V2 checkpoint between mmpretrain and torchvision layouts (written atomically).")
        {
            checkpoint, output, to, json,
        };
        command.SetAction(r => Common.Run(() =>
        {
            var input = Common.ResolveCheckpoint(r.GetValue(checkpoint)!);
            var ckpt = CheckpointFile.Load(input);
            var (width, numClasses) = LayoutCheck.Validate(ckpt.StateDict, input);
            var target = r.GetValue(to);
            CheckpointFile.Save(r.GetValue(output)!, ckpt, target);
            if (r.GetValue(json))
                Common.PrintJson(new { Input = input, Output = r.GetValue(output), Layout = target, Arch = ShuffleNetV2Layout.Name(width), NumClasses = numClasses, Keys = ckpt.StateDict.Count });
            else
                Console.WriteLine($"wrote {r.GetValue(output)} ({target} layout, ShuffleNetV2 {ShuffleNetV2Layout.Name(width)}, {ckpt.StateDict.Count} tensors)");
            return 0;
        }));
        return command;
    }
}
