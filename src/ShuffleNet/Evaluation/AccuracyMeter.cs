using static TorchSharp.torch;

namespace ShuffleNet.Evaluation;

/// <summary>Accuracy of one class: how many of its images the model put first.</summary>
/// <param name="Index">Label.</param>
/// <param name="Name">Class name.</param>
/// <param name="Count">Images of this class seen.</param>
/// <param name="Top1">Percent of them predicted correctly.</param>
public sealed record ClassAccuracy(int Index, string Name, int Count, double Top1);

/// <summary>
/// Accumulates top-1 and top-5 accuracy over batches, as mmpretrain's <c>Accuracy(topk=(1, 5))</c>: a sample counts for
/// top-k when its label is among the k largest logits. With fewer than 5 classes top-5 uses them all (100%).
/// </summary>
public sealed class AccuracyMeter
{
    private readonly long[] _seen, _right;
    private long _count, _top1, _top5;

    /// <summary>A meter for <paramref name="numClasses"/> classes.</summary>
    public AccuracyMeter(int numClasses)
    {
        NumClasses = numClasses;
        _seen = new long[numClasses];
        _right = new long[numClasses];
    }

    /// <summary>Classes of the logits.</summary>
    public int NumClasses { get; }

    /// <summary>Samples seen.</summary>
    public long Count => _count;

    /// <summary>Top-1 accuracy in percent (0 before any sample).</summary>
    public double Top1 => _count == 0 ? 0 : 100.0 * _top1 / _count;

    /// <summary>Top-5 accuracy in percent (0 before any sample).</summary>
    public double Top5 => _count == 0 ? 0 : 100.0 * _top5 / _count;

    /// <summary>
    /// Adds a batch: <paramref name="logits"/> <c>[N, NumClasses]</c>, <paramref name="labels"/> <c>[N]</c> int64.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes disagree, or a label is outside 0..NumClasses-1.</exception>
    public void Update(Tensor logits, Tensor labels)
    {
        if (logits.ndim != 2 || logits.shape[1] != NumClasses || labels.ndim != 1 || labels.shape[0] != logits.shape[0])
            throw new ArgumentException($"expected logits [N, {NumClasses}] and labels [N]; got " +
                $"[{string.Join(", ", logits.shape)}] and [{string.Join(", ", labels.shape)}]");
        using var scope = NewDisposeScope();
        var y = labels.to(ScalarType.Int64).cpu();
        var top = logits.topk(Math.Min(5, NumClasses), dim: 1).indexes.cpu();
        var hits = top.eq(y.unsqueeze(1));
        var first = hits.select(1, 0).data<bool>().ToArray();
        var any = hits.any(1).data<bool>().ToArray();
        var ys = y.data<long>().ToArray();
        for (int i = 0; i < ys.Length; i++)
        {
            if (ys[i] < 0 || ys[i] >= NumClasses) throw new ArgumentException($"label {ys[i]} is outside " +
                $"0..{NumClasses - 1}");
            _seen[ys[i]]++;
            if (first[i]) { _right[ys[i]]++; _top1++; }
            if (any[i]) _top5++;
        }
        _count += ys.Length;
    }

    /// <summary>Per-class top-1, named by <paramref name="classes"/> where given.</summary>
    public IReadOnlyList<ClassAccuracy> PerClass(IReadOnlyList<string>? classes = null) =>
        [.. Enumerable.Range(0, NumClasses).Select(i => new ClassAccuracy(i, classes is not null && i < classes.Count
            ? classes[i] : i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            (int)_seen[i], _seen[i] == 0 ? 0 : 100.0 * _right[i] / _seen[i]))];
}
