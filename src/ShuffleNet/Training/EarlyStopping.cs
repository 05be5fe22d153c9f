using System.Globalization;
using ShuffleNet.Evaluation;

namespace ShuffleNet.Training;

/// <summary>
/// mmengine's <c>EarlyStoppingHook(monitor, patience, min_delta)</c> after each validation: the score counts as no
/// improvement when <c>best + min_delta</c> still beats or equals it (<c>greater</c> for accuracies: best +
/// min_delta &gt; score; <c>less</c> for the loss, with min_delta negated), and <c>patience</c> such validations in a
/// row stop the run; otherwise it becomes the best and the count restarts. Its state rides in checkpoints' meta
/// (<see cref="TrainPosition.StopBest"/>, <see cref="TrainPosition.StopWait"/>), so a resumed run stops where the
/// uninterrupted one would.
/// </summary>
public sealed class EarlyStopping
{
    private readonly EarlyStoppingConfig _config;
    private readonly bool _greater;

    private EarlyStopping(EarlyStoppingConfig config, TrainPosition pos)
    {
        _config = config;
        _greater = config.Monitor != "loss";
        Best = pos.StopBest ?? (_greater ? double.NegativeInfinity : double.PositiveInfinity);
        Wait = pos.StopWait ?? 0;
    }

    /// <summary>
    /// The hook for <paramref name="config"/>, resumed at <paramref name="pos"/>; null when patience is 0 (off).
    /// </summary>
    public static EarlyStopping? From(EarlyStoppingConfig config, TrainPosition pos) =>
        config.Patience > 0 ? new EarlyStopping(config, pos) : null;

    /// <summary>The best score so far.</summary>
    public double Best { get; private set; }

    /// <summary>Validations in a row without improvement.</summary>
    public int Wait { get; private set; }

    /// <summary>Takes the validation after <paramref name="epoch"/>; returns why to stop, or null to go on.</summary>
    public string? ShouldStop(int epoch, EvalResult result)
    {
        double score = _config.Monitor switch { "accuracy/top5" => result.Top5, "loss" => result.Loss,
            _ => result.Top1 };
        double delta = _greater ? _config.MinDelta : -_config.MinDelta;
        bool stale = _greater ? Best + delta > score : Best + delta < score;
        if (!stale)
        {
            (Best, Wait) = (score, 0);
            return null;
        }
        if (++Wait < _config.Patience) return null;
        var inv = CultureInfo.InvariantCulture;
        return string.Format(inv, "early stopping after epoch {0}: {1} has not improved by more than {2} on the best " +
            "{3:G6} " +
                                  "for {4} validations (early_stopping.patience)",
            epoch, _config.Monitor, _config.MinDelta, Best, Wait);
    }
}
