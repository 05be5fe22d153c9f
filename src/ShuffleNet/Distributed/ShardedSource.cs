using ShuffleNet.Data;

namespace ShuffleNet.Distributed;

/// <summary>
/// One rank's share of a training source: the inner source's batches of an epoch (already shuffled by its seed and the
/// epoch, the same on every rank) are dealt out by <see cref="DistributedSampler"/> with <c>drop_last</c>, so rank r
/// trains on batches r, r + W, r + 2W... Augmentation is seeded per (seed, epoch, batch), so each rank's differs. Every
/// rank makes the same number of steps, as the all-reduce requires. The sharding is by batch rather than by sample
/// because the sources (<see cref="DatasetSource"/>, <see cref="LoaderSource"/>) expose batches; the per-rank batch
/// size is <c>data.batch_size</c>.
/// </summary>
public sealed class ShardedSource(IBatchSource inner, int rank, int worldSize) : IBatchSource
{
    /// <inheritdoc />
    public int Count => inner.Count;

    /// <inheritdoc />
    public int BatchesPerEpoch => DistributedSampler.NumSamples(inner.BatchesPerEpoch, worldSize, dropLast: true);

    /// <inheritdoc />
    public IReadOnlyList<string> Classes => inner.Classes;

    /// <inheritdoc />
    public int MaxLabel => inner.MaxLabel;

    /// <summary>The inner source's batches per epoch (one rank of a world of one makes this many steps).</summary>
    public int InnerBatchesPerEpoch => inner.BatchesPerEpoch;

    /// <inheritdoc />
    public IEnumerable<TrainBatch> Epoch(int epoch, int startBatch = 0)
    {
        var mine = DistributedSampler.Indices([.. Enumerable.Range(0, inner.BatchesPerEpoch)], rank, worldSize,
            dropLast: true);
        // one batch per inner enumeration: the sources make any batch without those before it, so skipped ones cost
        // nothing
        for (int b = startBatch; b < mine.Length; b++)
            foreach (var batch in inner.Epoch(epoch, mine[b])) { yield return batch; break; }
    }
}
