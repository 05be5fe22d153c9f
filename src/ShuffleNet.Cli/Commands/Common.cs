using System.Text.Json;
using System.Text.Json.Serialization;
using ShuffleNet.Checkpoints;
using Spectre.Console;

namespace ShuffleNet.Cli.Commands;

/// <summary>What every command shares besides its options (<see cref="Options"/>): model names, JSON, errors.</summary>
internal static class Common
{
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
        return stderr.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new DownloadedColumn(),
            new TransferSpeedColumn())
            .Start(ctx => CheckpointResolver.Resolve(nameOrPath, zoo,
                new TaskProgress(ctx.AddTask(Markup.Escape(entry.Name), maxValue: 1))));
    }

    /// <summary>
    /// The ImageNet preprocessing for <paramref name="checkpointPath"/>: its publisher's when it is a known checkpoint
    /// (by file name, <see cref="ModelZoo.FindByFile"/>), else mmpretrain's; <paramref name="resize"/> overrides the
    /// short side.
    /// </summary>
    public static EvalPreprocessing Preprocessing(string checkpointPath, int? resize)
    {
        var own = ModelZoo.Default.FindByFile(checkpointPath)?.Preprocessing ?? EvalPreprocessing.ImageNet;
        return resize is { } r ? own with { Resize = r } : own;
    }

    /// <summary>
    /// The test pipeline every verb that classifies images (predict, serve, cam) runs: Fashion-MNIST's for a 1-channel
    /// model, else the ImageNet one with the checkpoint's own resize and crop (<see cref="Preprocessing"/>), so the
    /// verbs agree on every checkpoint.
    /// </summary>
    public static Vision.Transforms.Pipeline EvalPipeline(string checkpointPath, int inChannels, int? resize)
    {
        if (inChannels == 1) return Vision.Transforms.Presets.FashionMnistPredict();
        var p = Preprocessing(checkpointPath, resize);
        return Vision.Transforms.Presets.ImageNetEval(p.Resize, p.Crop);
    }

    /// <summary>
    /// Moves a Spectre progress task as bytes arrive (synchronously: <see cref="Progress{T}"/> would post to the thread
    /// pool).
    /// </summary>
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
