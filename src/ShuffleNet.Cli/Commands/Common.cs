using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using ShuffleNet.Checkpoints;

namespace ShuffleNet.Cli.Commands;

/// <summary>Options shared by several commands, declared once so every verb spells them the same way.</summary>
internal static class Common
{
    public static Option<bool> Json() => new("--json") { Description = "Print machine-readable JSON instead of tables." };

    public static Option<Width?> Arch(string description = "Architecture width: 0.5x, 1.0x, 1.5x or 2.0x.") => new("--arch")
    {
        Description = description,
        CustomParser = r =>
        {
            var text = r.Tokens.Single().Value;
            var w = ShuffleNetV2Layout.TryParse(text);
            if (w is null) r.AddError($"--arch '{text}' is not a ShuffleNet V2 width; use 0.5x, 1.0x, 1.5x or 2.0x");
            return w;
        },
    };

    public static Option<string> Checkpoint(bool required = false) => new("--checkpoint")
    {
        Description = "A checkpoint file (.pth): mmpretrain/mmcls or torchvision layout, zip or legacy torch.save format.",
        Required = required,
    };

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Compact JSON, one object per line (for streams of results such as predictions).</summary>
    public static readonly JsonSerializerOptions JsonLineOptions = new(JsonOptions) { WriteIndented = false };

    public static void PrintJson(object value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, JsonOptions));

    /// <summary>
    /// Runs a command body: a bad input becomes one line on stderr naming it and exit code 1; nothing else is printed
    /// (set SHUFFLENET_DEBUG=1 for the stack trace).
    /// </summary>
    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var inner = e is TypeInitializationException { InnerException: { } ie } ? ie : e;
            Console.Error.WriteLine($"error: {inner.Message}");
            if (Environment.GetEnvironmentVariable("SHUFFLENET_DEBUG") == "1") Console.Error.WriteLine(inner);
            return 1;
        }
    }
}
