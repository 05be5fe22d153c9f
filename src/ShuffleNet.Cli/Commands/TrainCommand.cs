using System.CommandLine;
using System.Diagnostics;
using ShuffleNet.Distributed;
using ShuffleNet.Training;
using Spectre.Console;

namespace ShuffleNet.Cli.Commands;

/// <summary><c>shufflenet train</c>: runs a recipe (the built-in Fashion-MNIST one by default), with resume and overrides.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = $"A recipe from configs/ (JSON). Default: the built-in {DefaultRecipe.Name}." };
        var workDir = new Option<string?>("--work-dir") { Description = "Where log.json, log.png and checkpoints go. Default: work_dirs/<config name>." };
        var resume = new Option<string?>("--resume")
        {
            Description = "Continue from a checkpoint; with no file, from <work-dir>/latest.pth.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var set = new Option<string[]>("--set") { Description = "Override a config value, e.g. --set optimizer.lr=0.25 (repeatable)." };
        var data = Options.Data("Dataset folder (overrides data.root).");
        var nproc = new Option<int>("--nproc-per-node")
        {
            Description = "Data-parallel ranks on this machine, started with mpiexec (MPI backend, CPU); data.batch_size is per rank.",
            DefaultValueFactory = _ => 1,
        };
        var command = new Command("train", "Train ShuffleNet V2 from a recipe; Ctrl+C stops with a checkpoint to resume from.")
        {
            config, workDir, resume, set, data, nproc,
        };
        command.SetAction(r => Common.Run(() =>
        {
            var overrides = (r.GetValue(set) ?? []).ToList();
            if (r.GetValue(data) is { } root) overrides.Add($"data.root={root}");
            var path = r.GetValue(config);
            var cfg = path is null ? DefaultRecipe.Load(overrides) : ConfigLoader.Load(path, overrides);
            var name = path is null ? DefaultRecipe.Name : Path.GetFileNameWithoutExtension(path);
            var dir = r.GetValue(workDir) ?? Path.Combine("work_dirs", name);
            string? resumeFrom = r.GetResult(resume) is null ? null : r.GetValue(resume) ?? Path.Combine(dir, "latest.pth");
            var launch = LaunchEnvironment.Detect();
            if (r.GetValue(nproc) is var n && n > 1 && launch.WorldSize == 1) return LaunchRanks(n);
            using var group = ProcessGroups.Create(launch, cfg.Dist.Backend, TimeSpan.FromSeconds(cfg.Dist.Timeout));
            return Execute(cfg, name, dir, resumeFrom, group);
        }));
        return command;
    }

    // this very command line again under mpiexec, minus --nproc-per-node: each rank finds itself through PMI_RANK/PMI_SIZE
    private static int LaunchRanks(int ranks)
    {
        var args = Environment.GetCommandLineArgs().Skip(1).ToList();
        int at = args.FindIndex(a => a.StartsWith("--nproc-per-node", StringComparison.Ordinal));
        args.RemoveRange(at, args[at].Contains('=') ? 1 : 2);
        // an apphost (shufflenet) is the program; under 'dotnet shufflenet.dll' the dll comes first
        string program = Environment.ProcessPath!;
        if (Path.GetFileNameWithoutExtension(program) == "dotnet") args.Insert(0, Environment.GetCommandLineArgs()[0]);
        using var mpi = Process.Start(MpiLauncher.StartInfo(ranks, program, args))!;
        mpi.WaitForExit();
        return mpi.ExitCode;
    }

    private static int Execute(TrainConfig cfg, string name, string dir, string? resumeFrom, IProcessGroup group)
    {
        if (resumeFrom is not null && !File.Exists(resumeFrom))
            throw new TrainingException($"--resume: '{resumeFrom}' does not exist; train without --resume first, or name a checkpoint");
        var (train, val) = TrainData.Create(cfg);
        bool lead = group.Rank == 0;   // the other ranks train silently; mpiexec merges every rank's output
        if (lead) AnsiConsole.MarkupLine($"[bold]{Markup.Escape(name)}[/]: ShuffleNetV2 {cfg.Model.Width}, {train.Count:N0} training images, " +
                               $"{val.Count:N0} validation, {cfg.Schedule.Epochs} epochs of {train.BatchesPerEpoch / group.WorldSize} iterations " +
                               $"(batch {cfg.Data.BatchSize}{(group.WorldSize > 1 ? $" x {group.WorldSize} ranks" : "")})");
        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            if (cts.IsCancellationRequested) return;   // a second Ctrl+C ends the process
            e.Cancel = true;
            cts.Cancel();
            if (lead) AnsiConsole.MarkupLine("[yellow]stopping after this iteration and saving a checkpoint (Ctrl+C again to abort)[/]");
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            TrainResult Train(ITrainListener? listener) => new Trainer(cfg, dir, train, val, listener, group).Run(resumeFrom, cts.Token);
            var result = lead ? TrainProgress.Run(Train) : Train(null);
            if (lead) Report(result, dir);
            return result.Stopped ? 130 : 0;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static void Report(TrainResult r, string dir)
    {
        if (r.LastValidation is { } v)
            AnsiConsole.MarkupLine($"test top-1 [bold]{v.Top1:F2}%[/], top-5 {v.Top5:F2}% after {r.Position.Epoch} epochs (best {r.Position.BestTop1:F2}%)");
        AnsiConsole.MarkupLine($"{r.Seconds / 60:F1} min, {r.ImagesPerSecond:F0} img/s training; log {Markup.Escape(r.LogPath)}" +
                               (r.ChartPath is null ? "" : $", chart {Markup.Escape(r.ChartPath)}"));
        AnsiConsole.MarkupLine($"checkpoint [bold]{Markup.Escape(r.LatestCheckpoint)}[/]" + (r.BestCheckpoint is null ? "" : $" (best: {Markup.Escape(r.BestCheckpoint)})"));
        if (r.Stopped)
            AnsiConsole.MarkupLine($"resume with: shufflenet train [[same --config/--set]] --work-dir {Markup.Escape(dir)} --resume");
        else
            AnsiConsole.MarkupLine($"evaluate with: shufflenet test --checkpoint {Markup.Escape(r.LatestCheckpoint)} --data fashion-mnist");
    }
}

/// <summary>Draws training progress: a Spectre.Console bar with ETA and live loss/lr/throughput on a terminal, plain lines otherwise.</summary>
internal sealed class TrainProgress : ITrainListener
{
    private readonly ProgressTask? _task;
    private TrainPlan? _plan;

    private TrainProgress(ProgressTask? task) => _task = task;

    /// <summary>Runs <paramref name="body"/> with a listener suited to the console.</summary>
    public static TrainResult Run(Func<ITrainListener, TrainResult> body)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive) return body(new TrainProgress(null));
        TrainResult? result = null;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                     new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx => result = body(new TrainProgress(ctx.AddTask("training", autoStart: true, maxValue: 1))));
        return result!;
    }

    public void Started(TrainPlan plan)
    {
        _plan = plan;
        if (_task is not null) { _task.MaxValue = plan.MaxIters; _task.Value = plan.StartIter; }
        Line($"work dir {plan.WorkDir}: {plan.MaxIters - plan.StartIter:N0} iterations to go, peak lr {plan.BaseLr:G4}");
    }

    public void Stepped(StepInfo s)
    {
        var text = $"epoch {s.Epoch}/{_plan!.Epochs} iter {s.Iter:N0} loss {s.Loss:F4} lr {s.Lr:G3} {s.ImagesPerSecond:F0} img/s";
        if (_task is not null)
        {
            _task.Value = s.Iter;
            _task.Description = Markup.Escape(text);
        }
        else if (s.Logged) Line(text);
    }

    public void Validated(ValidationInfo v) =>
        Line($"epoch {v.Epoch}: val top-1 {v.Result.Top1:F2}%, top-5 {v.Result.Top5:F2}%, loss {v.Result.Loss:F4} ({v.Result.Seconds:F1} s){(v.IsBest ? " best" : "")}");

    public void Note(string message) => Line(message);

    private static void Line(string text) => AnsiConsole.MarkupLine(Markup.Escape(text));
}
