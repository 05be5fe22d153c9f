namespace ShuffleNet.Evaluation;

/// <summary>One off-diagonal cell of a confusion matrix: images of class <paramref name="Truth"/> predicted as
/// <paramref name="Predicted"/>.</summary>
/// <param name="Truth">The true label.</param>
/// <param name="Predicted">The predicted label (not <paramref name="Truth"/>).</param>
/// <param name="Count">How many images.</param>
public sealed record Confusion(int Truth, int Predicted, long Count);

/// <summary>
/// Counts of (true label, predicted label) pairs, as mmpretrain's <c>ConfusionMatrix</c>: rows are true labels, columns
/// predictions. Cells are kept sparse, so memory grows with the distinct pairs seen (at most the images), not with the
/// square of the classes. No TorchSharp: any backend's predictions go in.
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly Dictionary<long, long> _cells = [];
    private readonly long[] _support, _predicted, _correct;

    /// <summary>An empty matrix of <paramref name="numClasses"/> x <paramref name="numClasses"/>.</summary>
    public ConfusionMatrix(int numClasses)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        NumClasses = numClasses;
        (_support, _predicted, _correct) = (new long[numClasses], new long[numClasses], new long[numClasses]);
    }

    /// <summary>The number of classes (rows and columns).</summary>
    public int NumClasses { get; }

    /// <summary>All images counted.</summary>
    public long Total { get; private set; }

    /// <summary>Images whose prediction was their label (the diagonal's sum).</summary>
    public long TotalCorrect { get; private set; }

    /// <summary>Images of class <paramref name="truth"/> predicted as <paramref name="predicted"/>.</summary>
    public long this[int truth, int predicted]
    {
        get
        {
            Check(truth, predicted);
            return _cells.GetValueOrDefault(Key(truth, predicted));
        }
    }

    /// <summary>Counts one image.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A label outside 0..NumClasses-1.</exception>
    public void Add(int truth, int predicted)
    {
        Check(truth, predicted);
        var key = Key(truth, predicted);
        _cells[key] = _cells.GetValueOrDefault(key) + 1;
        _support[truth]++;
        _predicted[predicted]++;
        Total++;
        if (truth != predicted) return;
        _correct[truth]++;
        TotalCorrect++;
    }

    /// <summary>Images whose label is <paramref name="c"/> (the row's sum: TP + FN).</summary>
    public long Support(int c) => _support[c];

    /// <summary>Images predicted as <paramref name="c"/> (the column's sum: TP + FP).</summary>
    public long PredictedAs(int c) => _predicted[c];

    /// <summary>Images of class <paramref name="c"/> predicted as <paramref name="c"/> (TP).</summary>
    public long Correct(int c) => _correct[c];

    /// <summary>
    /// The <paramref name="count"/> largest off-diagonal cells, largest first; ties in (truth, predicted) order. What a
    /// reader of a 1000-class matrix wants to see.
    /// </summary>
    public IReadOnlyList<Confusion> TopConfusions(int count) =>
        [.. _cells.Where(c => Truth(c.Key) != Predicted(c.Key))
            .Select(c => new Confusion(Truth(c.Key), Predicted(c.Key), c.Value))
            .OrderByDescending(c => c.Count).ThenBy(c => c.Truth).ThenBy(c => c.Predicted)
            .Take(count)];

    /// <summary>The non-zero cells in row-major order.</summary>
    public IEnumerable<Confusion> NonZero() =>
        _cells.OrderBy(c => c.Key).Select(c => new Confusion(Truth(c.Key), Predicted(c.Key), c.Value));

    /// <summary>The dense matrix, row-major; for large class counts prefer <see cref="NonZero"/>.</summary>
    public long[][] ToRows()
    {
        var rows = new long[NumClasses][];
        for (int i = 0; i < NumClasses; i++) rows[i] = new long[NumClasses];
        foreach (var (key, n) in _cells) rows[Truth(key)][Predicted(key)] = n;
        return rows;
    }

    private long Key(int truth, int predicted) => (long)truth * NumClasses + predicted;

    private int Truth(long key) => (int)(key / NumClasses);

    private int Predicted(long key) => (int)(key % NumClasses);

    private void Check(int truth, int predicted)
    {
        if ((uint)truth >= NumClasses || (uint)predicted >= NumClasses)
            throw new ArgumentOutOfRangeException(nameof(truth),
                $"labels ({truth}, {predicted}) must lie in 0..{NumClasses - 1}");
    }
}
