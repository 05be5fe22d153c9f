using ShuffleNet.Vision.Loading;

namespace ShuffleNet.Data;

/// <summary>
/// ShuffleNet.Vision's parallel loader as an <see cref="IBatchSource"/>: decoding and augmentation run on the loader's
/// worker threads; order and augmentation depend only on the loader's seed and the epoch, as resuming requires.
/// </summary>
public sealed class LoaderSource(DataLoader loader) : IBatchSource
{
    private readonly Lazy<int> _maxLabel = new(() => Enumerable.Range(0, loader.Dataset.Count)
        .Max(loader.Dataset.GetLabel));

    /// <inheritdoc />
    public int Count => loader.Dataset.Count;

    /// <inheritdoc />
    public int BatchesPerEpoch => loader.BatchesPerEpoch;

    /// <inheritdoc />
    public IReadOnlyList<string> Classes => loader.Dataset.Classes;

    /// <inheritdoc />
    public int MaxLabel => _maxLabel.Value;

    /// <inheritdoc />
    public IEnumerable<TrainBatch> Epoch(int epoch, int startBatch = 0)
    {
        foreach (var batch in loader.GetEpoch(epoch, startBatch))
            using (batch) yield return new TrainBatch(batch.Images.ToArray(), batch.Labels.ToArray(), batch.Shape,
                batch.Indices[..batch.Count]);
    }
}
