using ShuffleNet.Evaluation;

namespace ShuffleNet.Training;

/// <summary>What a run is about to do.</summary>
/// <param name="StartIter">First iteration (0, or where a resumed run picks up).</param>
/// <param name="MaxIters">Iterations of the whole run.</param>
/// <param name="ItersPerEpoch">Iterations per epoch.</param>
/// <param name="Epochs">Epochs of the whole run.</param>
/// <param name="BatchSize">Images per iteration.</param>
/// <param name="BaseLr">Peak learning rate after batch scaling.</param>
/// <param name="WorkDir">Where logs and checkpoints go.</param>
public sealed record TrainPlan(long StartIter, long MaxIters, int ItersPerEpoch, int Epochs, int BatchSize,
    double BaseLr, string WorkDir);

/// <summary>One finished training iteration.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Iter">Global iterations done (1-based).</param>
/// <param name="Lr">Learning rate used.</param>
/// <param name="Loss">Loss of this batch.</param>
/// <param name="ImagesPerSecond">Training throughput over the current log interval.</param>
/// <param name="Logged">Whether this iteration wrote a log line.</param>
public sealed record StepInfo(int Epoch, long Iter, double Lr, double Loss, double ImagesPerSecond, bool Logged);

/// <summary>One validation.</summary>
/// <param name="Epoch">1-based epoch it followed.</param>
/// <param name="Result">Accuracy and loss.</param>
/// <param name="IsBest">Whether it beat every earlier validation (and was saved as <c>best.pth</c>).</param>
public sealed record ValidationInfo(int Epoch, EvalResult Result, bool IsBest);

/// <summary>How a run ended.</summary>
/// <param name="Stopped">True when stopped early (Ctrl+C) with a checkpoint to resume from.</param>
/// <param name="Position">Where it ended.</param>
/// <param name="LastValidation">The last validation, if any.</param>
/// <param name="LatestCheckpoint">The checkpoint to resume from or use.</param>
/// <param name="BestCheckpoint">The best model by validation top-1, if validated.</param>
/// <param name="Seconds">Wall time of this invocation.</param>
/// <param name="ImagesPerSecond">Training throughput of this invocation (training steps only).</param>
/// <param name="LogPath">The log.json file.</param>
/// <param name="ChartPath">The PNG chart, or null when it could not be drawn.</param>
public sealed record TrainResult(bool Stopped, TrainPosition Position, EvalResult? LastValidation,
    string LatestCheckpoint,
    string? BestCheckpoint, double Seconds, double ImagesPerSecond, string LogPath, string? ChartPath)
{
    /// <summary>
    /// True when early stopping ended the run before <c>schedule.epochs</c> (complete, not resumable).
    /// </summary>
    public bool EarlyStopped { get; init; }
}

/// <summary>Receives progress from <see cref="Trainer"/> (the CLI draws it; tests may ignore it).</summary>
public interface ITrainListener
{
    /// <summary>Before the first iteration.</summary>
    void Started(TrainPlan plan);

    /// <summary>After every iteration.</summary>
    void Stepped(StepInfo step);

    /// <summary>After every validation.</summary>
    void Validated(ValidationInfo validation);

    /// <summary>Something the user should read (a re-initialised head, a saved checkpoint).</summary>
    void Note(string message);
}

/// <summary>A listener that ignores everything.</summary>
public sealed class SilentListener : ITrainListener
{
    /// <inheritdoc />
    public void Started(TrainPlan plan) { }
    /// <inheritdoc />
    public void Stepped(StepInfo step) { }
    /// <inheritdoc />
    public void Validated(ValidationInfo validation) { }
    /// <inheritdoc />
    public void Note(string message) { }
}
