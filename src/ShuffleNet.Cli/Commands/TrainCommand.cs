using System.CommandLine;
using System.Diagnostics;
using ShuffleNet.Distributed;
using ShuffleNet.Training;
using Spectre.Console;

namespace ShuffleNet.Cli.Commands;

/// <summary>
/// <c>shufflenet train</c>: runs a recipe (the built-in Fashion-MNIST one by default), with resume and overrides.
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = $"A recipe from configs/ (JSON). Default: the " +
            $"built-in {DefaultRecipe.Name}." };
        var workDir = new Option<string?>("--work-dir") { Description = "Where log.json, log.png and checkpoints go. " +
            "Default: work_dirs/<config name>." };
        var resume = new Option<string?>("--resume")
        {
            Description = "Continue from a checkpoint; with no file, from <work-dir>/latest.pth.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var set = new Option<string[]>("--set") { Description = "Override a config value, e.g. --set " +
            "optimizer.lr=0.25 (repeatable)." };
        var data = Options.Data("Dataset folder (overrides data.root).");
        var device = new Option<string?>("--device")
        {
            Description = "Where the model trains: cpu, cuda or cuda:N (overrides run.device; CUDA needs a CUDA " +
                          "libtorch, see LIBTORCH_PATH in the README).",
        };
        var nproc = new Option<int>("--nproc-per-node")
        {
            Description = "Data-parallel ranks on this machine, started with mpiexec (MPI backend, CPU); " +
                "data.batch_size is per rank.",
            DefaultValueFactory = _ => 1,
        };
        var dryRun = new Option<bool>("--dry-run")
        {
            Description = "Check the recipe and print its schedule (lr at warm-up, middle, end) without training.",
        };
        var plot = new Option<string?>("--plot") { Description = "With --dry-run: draw the lr of every iteration to " +
            "a PNG." };
        var datasetSize = new Option<int?>("--dataset-size")
        {
            Description = "With --dry-run: training images, instead of counting the dataset (mmpretrain's " +
                "vis_scheduler).",
        };
        var command = new Command("train", "Train ShuffleNet V2 from a recipe; Ctrl+C stops with a checkpoint to " +
            "resume from.")
        {
            config, workDir, resume, set, data, device, nproc, dryRun, plot, datasetSize,
        };
        command.SetAction(r => Common.Run(() =>
        {
            var overrides = (r.GetValue(set) ?? []).ToList();
            if (r.GetValue(data) is { } root) overrides.Add($"data.root={root}");
            if (r.GetValue(device) is { } where) overrides.Add($"run.device={where}");
            var path = r.GetValue(config);
            var cfg = path is null ? DefaultRecipe.Load(overrides) : ConfigLoader.Load(path, overrides);
            var name = path is null ? DefaultRecipe.Name : Path.GetFileNameWithoutExtension(path);
            var dir = r.GetValue(workDir) ?? Path.Combine("work_dirs", name);
            string? resumeFrom = r.GetResult(resume) is null ? null : r.GetValue(resume) ?? Path.Combine(dir,
                "latest.pth");
            if (r.GetValue(plot) is not null && !r.GetValue(dryRun))
                throw new ArgumentException(
                    "--plot draws the schedule of a --dry-run; add --dry-run (a training run draws log.png itself)");
            if (r.GetValue(datasetSize) is not null && !r.GetValue(dryRun))
                throw new ArgumentException(
                    "--dataset-size stands in for the dataset in a --dry-run; add --dry-run " +
                    "(a training run counts it)");
            if (r.GetValue(dryRun))
                return DryRun(cfg, name, Math.Max(1, r.GetValue(nproc)), r.GetValue(datasetSize), r.GetValue(plot));
            var launch = LaunchEnvironment.Detect();
            if (r.GetValue(nproc) is var n && n > 1 && launch.WorldSize == 1) return LaunchRanks(n);
            using var group = ProcessGroups.Create(launch, cfg.Dist.Backend, TimeSpan.FromSeconds(cfg.Dist.Timeout));
            return Execute(cfg, name, dir, resumeFrom, group);
        }));
        return command;
    }

    // this very command line again under mpiexec, minus --nproc-per-node: each rank finds itself through
    // PMI_RANK/PMI_SIZE
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
            throw new TrainingException($"--resume: '{resumeFrom}' does not exist; train without --resume first, or " +
                "name a checkpoint");
        var (train, val) = TrainData.Create(cfg);
        bool lead = group.Rank == 0;   // the other ranks train silently; mpiexec merges every rank's output
        var ranks = group.WorldSize > 1 ? $" x {group.WorldSize} ranks" : "";
        if (lead) AnsiConsole.MarkupLine($"[bold]{Markup.Escape(name)}[/]: ShuffleNetV2 {cfg.Model.Width}, " +
                               $"{train.Count:N0} training images, {val.Count:N0} validation, " +
                               $"{cfg.Schedule.Epochs} epochs of {train.BatchesPerEpoch / group.WorldSize} " +
                               $"iterations (batch {cfg.Data.BatchSize}{ranks})");
        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            if (cts.IsCancellationRequested) return;   // a second Ctrl+C ends the process
            e.Cancel = true;
            cts.Cancel();
            if (lead) AnsiConsole.MarkupLine("[yellow]stopping after this iteration and saving a checkpoint (Ctrl+C " +
                "again to abort)[/]");
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            TrainResult Train(ITrainListener? listener) => new Trainer(cfg, dir, train, val, listener, group)
                .Run(resumeFrom, cts.Token);
            var result = lead ? TrainProgress.Run(Train) : Train(null);
            if (lead) Report(result, dir);
            return result.Stopped ? 130 : 0;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    // mmpretrain's tools/visualization/vis_scheduler.py: the schedule the run would follow, before anything trains
    private static int DryRun(TrainConfig cfg, string name, int world, int? datasetSize, string? plot)
    {
        if (plot is not null) Checkpoints.AtomicFile.CheckTarget(plot);
        if (datasetSize is < 1) throw new ArgumentException($"--dataset-size {datasetSize}: must be at least 1");
        int count = datasetSize ?? TrainData.Create(cfg).Train.Count;
        int whole = count / cfg.Data.BatchSize;   // the training source drops the last partial batch
        if (whole < world)
            throw new ArgumentException($"{count:N0} training images make {whole} batches of {cfg.Data.BatchSize}: " +
                                        $"fewer than the {world} ranks; lower data.batch_size");
        int ipe = DistributedSampler.NumSamples(whole, world, dropLast: true);
        var schedule = LrSchedule.For(cfg, ipe, world);
        long warm = schedule.WarmupIters, last = schedule.MaxIters - 1;
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(name)}[/] (dry run): {count:N0} training images, " +
                               $"{cfg.Schedule.Epochs} epochs " +
                               $"of {ipe:N0} iterations " +
                               $"(batch {cfg.Data.BatchSize}{(world > 1 ? $" x {world} ranks" : "")}), " +
                               $"{schedule.MaxIters:N0} in all; {cfg.Optimizer.Type}, base lr {schedule.BaseLr:G6}");
        var table = new Table().AddColumns("iteration", "epoch", "lr");
        foreach (long i in new SortedSet<long> { 0, Math.Max(0, warm - 1), warm, warm + (last - warm) / 2, last })
            table.AddRow($"{i:N0}", (i / (double)ipe).ToString("F2", System.Globalization.CultureInfo.InvariantCulture),
                schedule.At(i).ToString("G6", System.Globalization.CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
        if (plot is not null)
        {
            TrainChart.WriteSchedule(schedule, ipe, plot, $"{name}: {cfg.Schedule.Policy}, warm-up " +
                $"{cfg.Schedule.Warmup}");
            AnsiConsole.MarkupLine($"chart: {Markup.Escape(plot)}");
        }
        return 0;
    }

    private static void Report(TrainResult r, string dir)
    {
        if (r.LastValidation is { } v)
            AnsiConsole.MarkupLine($"test top-1 [bold]{v.Top1:F2}%[/], top-5 {v.Top5:F2}% after {r.Position.Epoch} " +
                $"epochs (best {r.Position.BestTop1:F2}%)");
        AnsiConsole.MarkupLine($"{r.Seconds / 60:F1} min, {r.ImagesPerSecond:F0} img/s training; log " +
            $"{Markup.Escape(r.LogPath)}" +
                               (r.ChartPath is null ? "" : $", chart {Markup.Escape(r.ChartPath)}"));
        AnsiConsole.MarkupLine($"checkpoint [bold]{Markup.Escape(r.LatestCheckpoint)}[/]" + (r.BestCheckpoint is null
            ? "" : $" (best: {Markup.Escape(r.BestCheckpoint)})"));
        if (r.Stopped)
            AnsiConsole.MarkupLine($"resume with: shufflenet train [[same --config/--set]] --work-dir " +
                $"{Markup.Escape(dir)} --resume");
        else
            AnsiConsole.MarkupLine($"evaluate with: shufflenet test --checkpoint {Markup.Escape(r.LatestCheckpoint)} " +
                "--data fashion-mnist");
    }
}

/// <summary>
/// Draws training progress: a Spectre.Console bar with ETA and live loss/lr/throughput on a terminal, plain lines
/// otherwise.
/// </summary>
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
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(),
                new PercentageColumn(),
                     new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx => result = body(new TrainProgress(ctx.AddTask("training", autoStart: true, maxValue: 1))));
        return result!;
    }

    public void Started(TrainPlan plan)
    {
        _plan = plan;
        if (_task is not null) { _task.MaxValue = plan.MaxIters; _task.Value = plan.StartIter; }
        Line($"work dir {plan.WorkDir}: {plan.MaxIters - plan.StartIter:N0} iterations to go, peak lr " +
            $"{plan.BaseLr:G4}");
    }

    public void Stepped(StepInfo s)
    {
        var text = $"epoch {s.Epoch}/{_plan!.Epochs} iter {s.Iter:N0} loss {s.Loss:F4} lr {s.Lr:G3} " +
            $"{s.ImagesPerSecond:F0} img/s";
        if (_task is not null)
        {
            _task.Value = s.Iter;
            _task.Description = Markup.Escape(text);
        }
        else if (s.Logged) Line(text);
    }

    public void Validated(ValidationInfo v) =>
        Line($"epoch {v.Epoch}: val top-1 {v.Result.Top1:F2}%, top-5 {v.Result.Top5:F2}%, loss {v.Result.Loss:F4} " +
            $"({v.Result.Seconds:F1} s){(v.IsBest ? " best" : "")}");

    public void Note(string message) => Line(message);

    private static void Line(string text) => AnsiConsole.MarkupLine(Markup.Escape(text));
}
