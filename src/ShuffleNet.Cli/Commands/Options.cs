using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using ShuffleNet.Checkpoints;

namespace ShuffleNet.Cli.Commands;

/// <summary>Which engine runs a model: TorchSharp, or ONNX Runtime.</summary>
internal enum Backend { Torch, Ort }

/// <summary>
/// Every option more than one verb takes, declared once: one name, one type, one parser and one check each.
/// A verb words the description only where the option means something narrower there. Bad values are parse
/// errors (<c>error: ...</c>, exit code 1), before any command runs.
/// </summary>
internal static class Options
{
    public static Option<bool> Json() =>
        new("--json") { Description = "Print machine-readable JSON instead of tables." };

    /// <summary><c>--checkpoint</c>; <paramref name="onnx"/> where the verb also runs an <c>.onnx</c> model.</summary>
    public static Option<string> Checkpoint(bool required = false, bool onnx = false) => new("--checkpoint")
    {
        Description = "A checkpoint file (.pth: mmpretrain/mmcls or torchvision layout, zip or legacy torch.save " +
                      "format), or a model name from `shufflenet models` (downloaded once, then cached)" +
                      (onnx ? "; or an .onnx model (exported or quantized), run in ONNX Runtime." : "."),
        Required = required,
    };

    private const string AnyWidth = "Architecture width: 0.5x, 1.0x, 1.5x or 2.0x.";

    public static Option<Width?> Arch(string description = AnyWidth) => new("--arch")
    {
        Description = description,
        HelpName = "0.5x|1.0x|1.5x|2.0x",
        CustomParser = r =>
        {
            var text = r.Tokens.Single().Value;
            var w = ShuffleNetV2Layout.TryParse(text);
            if (w is null) r.AddError($"--arch '{text}' is not a ShuffleNet V2 width; use 0.5x, 1.0x, 1.5x or 2.0x");
            return w;
        },
    };

    /// <summary>
    /// <c>--backend</c>: <c>torch</c> or <c>ort</c>, any case. Without <paramref name="defaultValue"/> the verb
    /// decides (an <c>.onnx</c> model runs in ONNX Runtime, a checkpoint in TorchSharp: <see cref="Backends.Choose"/>).
    /// </summary>
    public static Option<Backend?> Backend(string description, Backend? defaultValue = null)
    {
        var option = new Option<Backend?>("--backend")
        {
            Description = description,
            HelpName = "torch|ort",
            CustomParser = r => ParseBackends(r).SingleOrDefault(),
        };
        if (defaultValue is { } d) option.DefaultValueFactory = _ => d;
        return option;
    }

    /// <summary><c>--backend</c> where a verb runs several: <c>torch,ort</c>, or the option repeated.</summary>
    public static Option<Backend[]> BackendList(string description) => new("--backend")
    {
        Description = description,
        HelpName = "torch|ort",
        AllowMultipleArgumentsPerToken = true,
        CustomParser = ParseBackends,
    };

    private static Backend[] ParseBackends(ArgumentResult r)
    {
        var result = new List<Backend>();
        foreach (var part in r.Tokens.SelectMany(t => SplitList(t.Value)))
        {
            if (part.ToLowerInvariant() is "torch") result.Add(Commands.Backend.Torch);
            else if (part.ToLowerInvariant() is "ort") result.Add(Commands.Backend.Ort);
            else r.AddError($"--backend '{part}' is not known; use torch or ort");
        }
        return [.. result.Distinct()];
    }

    /// <summary>
    /// <c>--batch</c>: images per call, positive integers. Where a verb times several (<paramref name="several"/>),
    /// comma-separated (<c>1,8,32</c>); where it fixes a model's input (<paramref name="dynamic"/>), also
    /// <c>dynamic</c>, parsed as no batch size at all.
    /// </summary>
    public static Option<int[]> Batch(string description, int[] defaults, bool several = false, bool dynamic = false) =>
        new("--batch")
        {
            Description = description,
            HelpName = several ? "N,N,..." : dynamic ? "N|dynamic" : "N",
            Arity = ArgumentArity.ExactlyOne,
            DefaultValueFactory = _ => defaults,
            CustomParser = r =>
            {
                var text = r.Tokens.Single().Value;
                if (dynamic && text.Equals("dynamic", StringComparison.OrdinalIgnoreCase)) return [];
                var sizes = SplitList(text)
                    .Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var b) ? b : 0)
                    .ToArray();
                string expected = several ? "a comma-separated list of positive integers (e.g. 1,8,32)"
                    : dynamic ? "a positive integer or 'dynamic'" : "a positive integer";
                if (sizes.Length == 0 || sizes.Any(b => b < 1) || (!several && sizes.Length > 1))
                    r.AddError($"--batch '{text}' is not {expected}");
                return sizes;
            },
        };

    public static Option<string> Device(string description = "cpu, cuda or cuda:N (TorchSharp backend; " +
        "CUDA needs a CUDA libtorch, see LIBTORCH_PATH in the README).") =>
        new("--device") { Description = description, DefaultValueFactory = _ => "cpu" };

    /// <summary>
    /// <c>--threads</c>: every core unless given; with <paramref name="verbDecides"/>, no default (the verb picks one
    /// when the option is absent and its description says which).
    /// </summary>
    public static Option<int> Threads(string description = "Inference threads.", bool verbDecides = false) =>
        AtLeast(1, new Option<int>("--threads")
        {
            Description = description,
            DefaultValueFactory = verbDecides ? null : _ => Environment.ProcessorCount,
        });

    public static Option<int> Warmup(int defaultValue, string description) => AtLeast(0,
        new Option<int>("--warmup") { Description = description, DefaultValueFactory = _ => defaultValue });

    public static Option<int> Iterations(int defaultValue, string description) => AtLeast(1,
        new Option<int>("--iterations") { Description = description, DefaultValueFactory = _ => defaultValue });

    public static Option<int> TopK() => AtLeast(1,
        new Option<int>("--topk") { Description = "Classes to print per image.", DefaultValueFactory = _ => 5 });

    public static Option<string?> Classes() => new("--classes")
    {
        Description = "Class names, one per line (default: the checkpoint's, else ImageNet-1k's for 1000 classes).",
    };

    public static Option<string> Output(string description, bool required = true) =>
        new("--output") { Description = description, Required = required };

    /// <summary>
    /// <c>--resize</c>: the short side before the centre crop, overriding the checkpoint's own (its publisher's:
    /// <see cref="ShuffleNet.Checkpoints.ZooEntry.Preprocessing"/>).
    /// </summary>
    public static Option<int?> Resize() => new("--resize")
    {
        Description = "Short side (pixels) images are resized to before the centre crop. Default: the checkpoint's " +
                      "own (232 for torchvision's x1.5/x2.0 weights, else 256; see `shufflenet models`).",
        HelpName = "N",
        Validators =
        {
            r =>
            {
                if (r.GetValueOrDefault<int?>() is { } v && v < 1) r.AddError($"--resize must be at least 1 (got {v})");
            },
        },
    };

    public static Option<string> Data(string description, bool required = false) =>
        new("--data") { Description = description, Required = required };

    public static Option<string?> Plot() => new("--plot") { Description = "Also draw a PNG chart to this file." };

    /// <summary><c>--seed</c>: seeds every random choice the verb makes, so a run can be repeated.</summary>
    public static Option<int> Seed(string description = "Seed of every random choice (same seed, same result).") =>
        new("--seed") { Description = description, DefaultValueFactory = _ => 0 };

    private static IEnumerable<string> SplitList(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Adds a check that <paramref name="option"/> is at least <paramref name="min"/>.</summary>
    public static Option<int> AtLeast(int min, Option<int> option)
    {
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is var v && v < min)
                r.AddError($"{option.Name} must be at least {min} (got {v})");
        });
        return option;
    }
}
