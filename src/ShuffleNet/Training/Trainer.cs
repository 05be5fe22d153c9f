using System.Diagnostics;
using ShuffleNet.Checkpoints;
using ShuffleNet.Data;
using ShuffleNet.Distributed;
using ShuffleNet.Evaluation;
using ShuffleNet.Models;
using ShuffleNet.Vision.Loading;
using TorchSharp;
using static TorchSharp.torch;

namespace ShuffleNet.Training;

/// <summary>
/// mmengine's epoch-based train loop for one process: per iteration the learning rate of <see cref="LrSchedule"/>,
/// the batch augments (<see cref="BatchAugments"/>), cross-entropy (optionally label-smoothed; soft-target after
/// Mixup/CutMix), backward, gradient clipping, the <see cref="Optimizer"/> step and the weights' moving average
/// (<see cref="ExponentialMovingAverage"/>); every <c>log_interval</c> a <c>log.json</c> line; after every epoch a
/// validation (on the averaged weights with EMA), <c>latest.pth</c> (+ <c>epoch_N.pth</c>, and <c>best.pth</c> when
/// top-1 improves) and the early-stopping check (<see cref="EarlyStopping"/>). Cancelling the token saves
/// <c>latest.pth</c> at the current iteration and returns; a resumed
/// run reproduces the uninterrupted one exactly, because the data's randomness is a function of (seed, epoch, batch)
/// and the optimizer state is in the checkpoint. With a process group of several ranks it is data-parallel
/// (<see cref="DataParallel"/>): each rank trains on its <see cref="ShardedSource"/> share, gradients are averaged,
/// the lr is scaled by the total batch, and only rank 0 validates, logs, reports to the listener and writes
/// checkpoints. Every file it writes (checkpoints, <c>epoch_N.pth</c>, <c>log.json</c>, the chart) goes through
/// <see cref="AtomicFile"/>; temp files a killed run left behind are removed at the start, and a resumed run cuts
/// <c>log.json</c> back to the lines its checkpoint had seen.
/// </summary>
public sealed class Trainer
{
    private readonly TrainConfig _c;
    private readonly IBatchSource _train;
    private readonly IBatchSource? _val;
    private readonly ITrainListener _listener;
    private readonly IProcessGroup _group;
    private bool _stopAgreed;
    private CancellationToken _cancel;
    private TrainLog? _log;
    private ExponentialMovingAverage? _ema;
    private BatchAugments? _augments;
    private EarlyStopping? _stopping;
    private Device _device = CPU;

    /// <summary>
    /// A trainer writing to <paramref name="workDir"/>; <paramref name="val"/> null skips validation.
    /// <paramref name="group"/> (default: a single process) is the world this rank trains in; <paramref name="train"/>
    /// is the whole training set.
    /// </summary>
    public Trainer(TrainConfig config, string workDir, IBatchSource train, IBatchSource? val,
        ITrainListener? listener = null,
        IProcessGroup? group = null)
    {
        _group = group ?? SingleProcessGroup.Instance;
        bool lead = _group.Rank == 0;
        (_c, WorkDir, _val) = (config, workDir, lead ? val : null);
        _train = _group.WorldSize == 1 ? train : new ShardedSource(train, _group.Rank, _group.WorldSize);
        _listener = lead ? listener ?? new SilentListener() : new SilentListener();
    }

    /// <summary>Folder of <c>log.json</c>, the chart and the checkpoints.</summary>
    public string WorkDir { get; }

    /// <summary>
    /// Trains from scratch, from <c>model.load_from</c>, or from <paramref name="resumeFrom"/> (a checkpoint this
    /// trainer wrote).
    /// </summary>
    /// <exception cref="TrainingException">Unwritable work dir, labels beyond <c>num_classes</c>, or a non-finite
    /// loss.</exception>
    /// <exception cref="CheckpointException">The resume or load_from checkpoint is unusable.</exception>
    public TrainResult Run(string? resumeFrom = null, CancellationToken cancel = default)
    {
        var watch = Stopwatch.StartNew();
        _cancel = cancel;
        ConfigChecks.Validate(_c);   // a config built in code gets the same checks as a file, before any work
        _device = ParseDevice(_c.Run.Device);
        PrepareWorkDir();
        int numClasses = _c.Model.NumClasses;
        foreach (var (data, what) in new[] { (_train, "training"), (_val, "validation") })
            if (data is not null && data.MaxLabel >= numClasses)
                throw new TrainingException($"the {what} data has labels up to {data.MaxLabel} but model.num_classes " +
                    $"is {numClasses}; " +
                                            $"use --set model.num_classes={data.MaxLabel + 1} or more");
        torch.set_num_threads(_c.Run.Threads);
        torch.manual_seed(_c.Run.Seed);
        var stem = _c.Model.Stem;
        using var model = ShuffleNetV2Builder.Create(ShuffleNetV2Layout.TryParse(_c.Model.Width)!.Value, numClasses,
            stem,
            _c.Model.FrozenStages, _c.Model.NormEval);
        if (resumeFrom is null && _c.Model.LoadFrom is { Length: > 0 } from) FineTuning.LoadPretrained(model, from,
            _listener);
        if (_device.type != DeviceType.CPU) model.to(_device);   // before the optimizer and EMA take the parameters
        using var sgd = Optimizer.Create(_c.Optimizer,
            ParamGroups.Split(model, _c.Optimizer.WeightDecay, _c.Optimizer.NormDecayMult));
        using var ema = _ema = _c.Ema.Momentum > 0 ? new ExponentialMovingAverage(model, _c.Ema) : null;
        _augments = new BatchAugments(_c.Model.BatchAugments) is { Enabled: true } augments ? augments : null;
        int ipe = _train.BatchesPerEpoch, world = _group.WorldSize;
        var schedule = LrSchedule.For(_c, ipe, world);
        var pos = resumeFrom is null ? new TrainPosition(0, 0, -1)
            : TrainingCheckpoint.Restore(resumeFrom, model, sgd, ema, _train, world);
        var stopping = _stopping = EarlyStopping.From(_c.EarlyStopping, pos);
        if (resumeFrom is not null) _listener.Note($"resumed from '{resumeFrom}' at epoch {pos.Epoch}, iteration " +
            $"{pos.Iter}");
        // ranks may differ in init (seeded alike, but not guaranteed by libtorch)
        DataParallel.BroadcastState(model, _group);
        string latest = Path.Combine(WorkDir, "latest.pth"), best = Path.Combine(WorkDir, "best.pth");
        string logPath = Path.Combine(WorkDir, "log.json");
        EvalResult? lastVal = null;
        long trainImages = 0;
        double trainSeconds = 0;
        _listener.Started(new TrainPlan(pos.Iter, schedule.MaxIters, ipe, _c.Schedule.Epochs, _c.Data.BatchSize,
            schedule.BaseLr, WorkDir));
        using (var log = _log = _group.Rank == 0 ? new TrainLog(logPath, resumeFrom is null ? null : pos, ipe) : null)
        {
            model.train();
            for (int epoch = (int)(pos.Iter / ipe); epoch < _c.Schedule.Epochs; epoch++)
            {
                var interval = new IntervalStats();
                var tick = Stopwatch.StartNew();
                foreach (var batch in _train.Epoch(epoch, (int)(pos.Iter % ipe)))
                {
                    double dataTime = tick.Elapsed.TotalSeconds;
                    double lr = schedule.At(pos.Iter);
                    double loss = Step(model, sgd, batch, lr, pos.Iter);
                    pos = pos with { Iter = pos.Iter + 1 };
                    if (!double.IsFinite(loss))
                        throw new TrainingException($"the loss is {loss} at epoch {epoch + 1}, iteration {pos.Iter} " +
                            $"(lr {lr:G4}): training diverged. " +
                            $"Lower optimizer.lr (now {_c.Optimizer.Lr}) or check the data; the last good checkpoint " +
                                $"is {(File.Exists(latest) ? latest : "none")}");
                    double time = tick.Elapsed.TotalSeconds;
                    tick.Restart();
                    interval.Add(batch.Labels.Length, time, dataTime, loss);
                    (trainImages, trainSeconds) = (trainImages + batch.Labels.Length, trainSeconds + time);
                    int inEpoch = (int)((pos.Iter - 1) % ipe) + 1;
                    bool logNow = inEpoch % _c.Run.LogInterval == 0 || inEpoch == ipe;
                    if (logNow) log?.Train(epoch + 1, inEpoch, lr, interval.Loss, interval.Time, interval.DataTime);
                    _listener.Stepped(new StepInfo(epoch + 1, pos.Iter, lr, loss, interval.ImagesPerSecond, logNow));
                    if (logNow) interval = new IntervalStats();
                    // ranks agree in the step's all-reduce
                    if (world == 1 ? cancel.IsCancellationRequested : _stopAgreed)
                    {
                        Save(latest, model, sgd, pos, ipe);
                        _listener.Note($"stopped at epoch {epoch + 1}, iteration {pos.Iter}; saved '{latest}'");
                        return Finish(true, pos, lastVal, latest, null, watch, trainImages, trainSeconds, logPath, ipe);
                    }
                }
                pos = pos with { Epoch = epoch + 1 };
                bool isBest = false;
                bool validated = _val is not null && ((epoch + 1) % _c.Run.ValInterval == 0 || epoch
                    + 1 == _c.Schedule.Epochs);
                if (validated)
                {
                    _ema?.Swap();   // mmpretrain's EMAHook evaluate_on_ema: validate the averaged weights
                    // not cancelled: a few seconds, and the epoch is complete
                    try { lastVal = Evaluator.Run(model, _val!, numClasses); }
                    finally { _ema?.Swap(); }
                    log!.Val(epoch + 1, ipe, schedule.At(pos.Iter - 1), lastVal.Top1, lastVal.Top5);
                    isBest = lastVal.Top1 > pos.BestTop1;
                    if (isBest) pos = pos with { BestTop1 = lastVal.Top1 };
                    _listener.Validated(new ValidationInfo(epoch + 1, lastVal, isBest));
                }
                // the hook's verdict first, so the checkpoint carries its updated state (a resume stops where this run
                // would)
                string? reason = validated && lastVal is not null ? stopping?.ShouldStop(epoch + 1, lastVal) : null;
                Save(latest, model, sgd, pos, ipe);
                if (isBest) Save(best, model, null, pos, ipe);
                if ((epoch + 1) % _c.Run.CheckpointInterval == 0) KeepEpochCheckpoint(latest, epoch + 1);
                if (reason is not null)
                {
                    _listener.Note(reason);
                    return Finish(false, pos, lastVal, latest, File.Exists(best) ? best : null, watch, trainImages,
                        trainSeconds,
                        logPath, ipe) with { EarlyStopped = true };
                }
            }
        }
        return Finish(false, pos, lastVal, latest, File.Exists(best) ? best : null, watch, trainImages, trainSeconds,
            logPath, ipe);
    }

    // TorchSharp 0.107 hands implicitly converted Scalars to libtorch without keeping them alive (BatchNorm's
    // num_batches_tracked.add_(1) in every training forward): a GC during that call can finalize the Scalar under
    // libtorch, which failed a default run after ~5,100 steps with "Unknown scalar type" (dotnet/TorchSharp#1434,
    // #1496). No GC inside the step, no race; the budget covers a step's managed wrappers many times over, and the GC
    // runs between steps instead.
    private const long NoGcBudget = 32L << 20;

    private double Step(ImageClassifier model, Optimizer sgd, TrainBatch batch, double lr, long iter)
    {
        bool noGc = GC.TryStartNoGCRegion(NoGcBudget);
        try { return StepCore(model, sgd, batch, lr, iter); }
        finally
        {
            if (noGc
                && System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.NoGCRegion) GC.EndNoGCRegion();
        }
    }

    private double StepCore(ImageClassifier model, Optimizer sgd, TrainBatch batch, double lr, long iter)
    {
        using var scope = NewDisposeScope();
        var x = tensor(batch.Images, batch.Shape).to(_device);
        var y = tensor(batch.Labels).to(_device);
        Tensor loss;
        if (_augments is null)
            loss = nn.functional.cross_entropy(model.call(x), y, label_smoothing: _c.Model.LabelSmoothing);
        else
        {
            // seeded by (seed, iteration) alone, so a resumed run mixes as the uninterrupted one did
            var rng = new Random(HashCode32(_c.Run.Seed, iter, _group.Rank));
            var oneHot = nn.functional.one_hot(y, _c.Model.NumClasses).to_type(ScalarType.Float32);
            var (mixed, targets) = _augments.Apply(x, oneHot, rng);
            loss = BatchAugments.SoftCrossEntropy(model.call(mixed), targets, _c.Model.LabelSmoothing);
        }
        double value = loss.item<float>();
        // no update: the weights stay those of the last good step
        if (!double.IsFinite(value) && _group.WorldSize == 1) return value;
        model.zero_grad();
        loss.backward();
        if (_group.WorldSize > 1)
        {
            // every rank joins the all-reduce even with a bad loss (else the others hang); the loss and the Ctrl+C flag
            // ride along
            var mean = DataParallel.AverageGradients([.. sgd.Groups.SelectMany(g => g.Parameters)], _group, value,
                _cancel.IsCancellationRequested ? 1 : 0);
            (value, _stopAgreed) = (mean[0], mean[1] > 0);
            if (!double.IsFinite(value)) return value;
        }
        sgd.ClipGradNorm(_c.Optimizer.ClipGrad);
        sgd.Lr = lr;
        sgd.Step();
        _ema?.Update(iter);
        return value;
    }

    private static Device ParseDevice(string name)
    {
        try { return ShuffleNet.Platform.Devices.Parse(name); }
        catch (ArgumentException e)
        {
            throw new TrainingException($"run.device '{name}': {e.Message}; or train on the CPU with --device cpu", e);
        }
    }

    // SplitMix64 of (seed, iteration, rank): the batch augments' generator of one step
    private static int HashCode32(int seed, long iter, int rank) =>
        SeedMix.Finish(((ulong)(uint)seed << 32 ^ (ulong)iter) * SeedMix.Gamma + (ulong)rank);

    private void PrepareWorkDir()
    {
        try
        {
            Directory.CreateDirectory(WorkDir);
            var probe = Path.Combine(WorkDir, $".write-test-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            if (_group.Rank == 0 && AtomicFile.RemoveStaleTemps(WorkDir) is { Count: > 0 } stale)
                _listener.Note($"removed {stale.Count} temporary file(s) a killed run left in '{WorkDir}': " +
                               string.Join(", ", stale));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TrainingException($"work dir '{WorkDir}' is not writable ({e.Message}); choose another with " +
                "--work-dir", e);
        }
        // what the run will write must be writable now, not after the first epoch (a folder or link named latest.pth)
        if (_group.Rank == 0)
            foreach (var name in new[] { "latest.pth", "best.pth", "log.json", "log.png" })
                AtomicFile.CheckTarget(Path.Combine(WorkDir, name), error: (message, inner) =>
                    new TrainingException($"{message}; or choose another --work-dir", inner));
    }

    // the log first: a checkpoint's meta.log_lines counts lines that are on disk; no optimizer: a model file (best.pth)
    private void Save(string path, ImageClassifier model, Optimizer? optimizer, TrainPosition pos, int ipe)
    {
        if (_group.Rank != 0) return;
        _log?.Commit();
        TrainingCheckpoint.Save(path, model, optimizer, _ema, Meta(model, pos, ipe), _train.Classes);
    }

    // world_size lets a resume on another number of ranks translate the iteration (TrainingCheckpoint.Restore)
    private Dictionary<string, object?> Meta(ImageClassifier model, TrainPosition pos, int ipe)
    {
        var meta = TrainingCheckpoint.Meta(_c, model, pos, ipe);
        meta["world_size"] = (long)_group.WorldSize;
        if (_log is not null) meta["log_lines"] = (long)_log.Count;
        if (_stopping is not null)
            (meta["early_stopping_best"], meta["early_stopping_wait"]) = (_stopping.Best, (long)_stopping.Wait);
        return meta;
    }

    // epoch_N.pth is a copy of latest.pth, written atomically like it; only the newest KeepCheckpoints are kept
    // (mmengine's max_keep_ckpts)
    private void KeepEpochCheckpoint(string latest, int epoch)
    {
        if (_group.Rank != 0) return;
        AtomicFile.Write(Path.Combine(WorkDir, $"epoch_{epoch}.pth"), stream =>
        {
            using var source = File.OpenRead(latest);
            source.CopyTo(stream);
        });
        if (_c.Run.KeepCheckpoints < 0) return;
        var old = Directory.GetFiles(WorkDir, "epoch_*.pth")
            .Select(f => (File: f, N: int.TryParse(Path.GetFileNameWithoutExtension(f)["epoch_".Length..], out var n)
                ? n : -1))
            .Where(f => f.N >= 0).OrderByDescending(f => f.N).Skip(_c.Run.KeepCheckpoints);
        foreach (var (file, _) in old) File.Delete(file);
    }

    private TrainResult Finish(bool stopped, TrainPosition pos, EvalResult? lastVal, string latest, string? best,
        Stopwatch watch,
        long images, double seconds, string logPath, int ipe)
    {
        // rank 0 alone writes the log; a run stopped before its first log line has nothing to draw
        string? chart = _group.Rank == 0 && File.Exists(logPath) ? Path.Combine(WorkDir, "log.png") : null;
        _log?.Commit();
        try { if (chart is not null) TrainChart.Write(logPath, chart, ipe,
            $"ShuffleNet V2 {_c.Model.Width}: {Path.GetFileName(WorkDir)}"); }
        catch (Exception e) when (e is IOException or TypeInitializationException or DllNotFoundException
            or InvalidOperationException)
        {
            _listener.Note($"could not draw the chart: {e.Message}");
            chart = null;
        }
        return new TrainResult(stopped, pos, lastVal, latest, best, watch.Elapsed.TotalSeconds, seconds > 0
            ? images / seconds : 0, logPath, chart);
    }

    private sealed class IntervalStats
    {
        private int _n, _images;
        private double _time, _data, _loss;
        public void Add(int images, double time, double data, double loss) => (_n, _images, _time, _data, _loss) = (_n
            + 1, _images + images, _time + time, _data + data, _loss + loss);
        public double Loss => _n == 0 ? 0 : _loss / _n;
        public double Time => _n == 0 ? 0 : _time / _n;
        public double DataTime => _n == 0 ? 0 : _data / _n;
        public double ImagesPerSecond => _time > 0 ? _images / _time : 0;
    }
}
