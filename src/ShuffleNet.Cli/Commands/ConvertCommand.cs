using System.CommandLine;
using ShuffleNet.Checkpoints;

namespace ShuffleNet.Cli.Commands;

/// <summary>
/// <c>shufflenet convert</c>: rewrites a checkpoint in mmpretrain's or torchvision's layout. The output may be the
/// input (read whole first, replaced atomically, its mode kept), but never a link, device or folder. Torchvision's
/// layout holds no meta: what it drops is said on stderr (and in <c>--json</c>), and an in-place conversion that
/// would lose it is refused.
/// </summary>
internal static class ConvertCommand
{
    public static Command Create()
    {
        var checkpoint = Options.Checkpoint(required: true);
        var output = Options.Output("Where to write the converted checkpoint (.pth): a new or regular file, " +
                                    "which may be the input (its mode is kept).");
        var to = new Option<CheckpointLayout>("--to")
        {
            Description = "Target layout: Mmpretrain, or Torchvision (a plain state dict: class names and meta " +
                          "are not kept; convert says which, and refuses to drop them from the input in place).",
            DefaultValueFactory = _ => CheckpointLayout.Mmpretrain,
        };
        var json = Options.Json();
        var command = new Command("convert", "Convert a ShuffleNet V2 checkpoint between mmpretrain and torchvision " +
            "layouts (written atomically).")
        {
            checkpoint, output, to, json,
        };
        command.SetAction(r => Common.Run(() =>
        {
            var input = Common.ResolveCheckpoint(r.GetValue(checkpoint)!);
            var outPath = r.GetValue(output)!;
            AtomicFile.CheckTarget(outPath);   // a link, device or folder is refused before any work
            var ckpt = CheckpointFile.Load(input);
            var (width, numClasses) = LayoutCheck.Validate(ckpt.StateDict, input);
            var target = r.GetValue(to);
            var dropped = CheckpointFile.NotKeptIn(ckpt, target);
            string lost = dropped.Count == 0 ? "" : Lost(ckpt, dropped);
            if (dropped.Count > 0 && AtomicFile.IsSameFile(input, outPath))
                throw new CheckpointException($"converting '{input}' in place to the torchvision layout would " +
                                              $"lose its {lost} for good (that layout is a plain state dict); " +
                                              "write to another --output");
            CheckpointFile.Save(outPath, ckpt, target);
            if (dropped.Count > 0)
                Console.Error.WriteLine($"note: '{outPath}' does not keep the {lost} of '{input}': the torchvision " +
                                        "layout is a plain state dict (give predict --classes, or keep the " +
                                        "mmpretrain file)");
            if (r.GetValue(json))
                Common.PrintJson(new
                {
                    Input = input, Output = outPath, Layout = target, Arch = ShuffleNetV2Layout.Name(width),
                    NumClasses = numClasses, Keys = ckpt.StateDict.Count, NotKept = dropped,
                });
            else
                Console.WriteLine($"wrote {outPath} ({target} layout, ShuffleNetV2 {ShuffleNetV2Layout.Name(width)}, " +
                                  $"{ckpt.StateDict.Count} tensors)");
            return 0;
        }));
        return command;
    }

    // "1000 class names and meta keys epoch, iter" / "meta keys epoch, iter"
    private static string Lost(Checkpoint ckpt, IReadOnlyList<string> dropped)
    {
        var others = dropped.Where(k => k != "CLASSES").ToList();
        var parts = new List<string>();
        if (ckpt.Classes is { } classes && dropped.Contains("CLASSES")) parts.Add($"{classes.Count} class names");
        if (others.Count > 0)
        {
            string more = others.Count > 6 ? $" (+{others.Count - 6} more)" : "";
            parts.Add($"meta key{(others.Count == 1 ? "" : "s")} {string.Join(", ", others.Take(6))}{more}");
        }
        return string.Join(" and ", parts);
    }
}
