using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using ShuffleNet.Checkpoints;
using Spectre.Console;

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

    public static Option<string> Device() => new("--device")
    {
        Description = "cpu, cuda or cuda:N (TorchSharp backend; CUDA needs a CUDA libtorch, see LIBTORCH_PATH in the README).",
        DefaultValueFactory = _ => "cpu",
    };

    public static Option<string> Checkpoint(bool required = false) => new("--checkpoint")
    {
        Description = "A checkpoint file (.pth: mmpretrain/mmcls or torchvision layout, zip or legacy torch.save format), " +
                      "or a model name from `shufflenet models` (downloaded once, then cached).",
        Required = required,
    };

    /// <summary>
    /// What every <c>--checkpoint</c> goes through: an existing file is itself, a model zoo name is its cached file,
    /// downloaded first with a progress bar on stderr (a plain line when stderr is not a terminal).
    /// </summary>
    public static string ResolveCheckpoint(string nameOrPath)
    {
        var zoo = ModelZoo.Default;
        if (File.Exists(nameOrPath) || zoo.Find(nameOrPath) is not { } entry || zoo.IsCached(entry))
            return CheckpointResolver.Resolve(nameOrPath, zoo);
        if (Console.IsErrorRedirected)
        {
            Console.Error.WriteLine($"downloading {entry.Name} from {entry.Url} to {zoo.CachePath(entry)}");
            return CheckpointResolver.Resolve(nameOrPath, zoo);
        }
        var stderr = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return stderr.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new DownloadedColumn(), new TransferSpeedColumn())
            .Start(ctx => CheckpointResolver.Resolve(nameOrPath, zoo, new TaskProgress(ctx.AddTask(Markup.Escape(entry.Name), maxValue: 1))));
    }

    /// <summary>Moves a Spectre progress task as bytes arrive (synchronously: <see cref="Progress{T}"/> would post to the thread pool).</summary>
    private sealed class TaskProgress(ProgressTask task) : IProgress<(long Done, long? Total)>
    {
        public void Report((long Done, long? Total) value)
        {
            task.IsIndeterminate = value.Total is null;
            if (value.Total is { } total) task.MaxValue = total;
            task.Value = value.Done;
        }
    }

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
