using ShuffleNet.Vision.Datasets;
using ShuffleNet.Vision.Loading;
using ShuffleNet.Vision.Transforms;

namespace ShuffleNet.Data;

/// <summary>
/// An <see cref="IImageDataset"/> through a <see cref="Pipeline"/>, batched on the calling thread: for small in-memory
/// datasets (Fashion-MNIST) whose samples take microseconds, where worker threads would cost more than they save (the
/// image-folder path is <see cref="LoaderSource"/>). A training source reshuffles every epoch, drops the last partial
/// batch and runs the samples of batch b through the pipeline in order with ONE <see cref="Random"/> seeded by
/// (seed, epoch, b); an evaluation source keeps file order and every sample. Any batch of any epoch can be made
/// without the ones before it (exact resume), and the draws are those of the trainer's recorded Fashion-MNIST runs.
/// </summary>
public sealed class DatasetSource : IBatchSource
{
    private readonly IImageDataset _dataset;
    private readonly Pipeline _pipeline;
    private readonly int _batchSize, _seed;
    private readonly bool _train;
    private readonly Lazy<int> _maxLabel;

    /// <summary>
    /// Batches of <paramref name="batchSize"/> from <paramref name="dataset"/>; <paramref name="train"/> shuffles,
    /// augments (the pipeline's random steps) and drops the last partial batch, seeded by <paramref name="seed"/>.
    /// </summary>
    /// <exception cref="DataException">The dataset is empty.</exception>
    public DatasetSource(IImageDataset dataset, Pipeline pipeline, int batchSize, bool train, int seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (dataset.Count == 0) throw new DataException("the dataset is empty: no images to train or evaluate on");
        (_dataset, _pipeline, _batchSize, _train, _seed) = (dataset, pipeline, batchSize, train, seed);
        _maxLabel = new(() => Enumerable.Range(0, dataset.Count).Max(dataset.GetLabel));
    }

    /// <inheritdoc />
    public int Count => _dataset.Count;

    /// <inheritdoc />
    public int BatchesPerEpoch => _train && Count >= _batchSize ? Count / _batchSize : (Count
        + _batchSize - 1) / _batchSize;

    /// <inheritdoc />
    public IReadOnlyList<string> Classes => _dataset.Classes;

    /// <inheritdoc />
    public int MaxLabel => _maxLabel.Value;

    /// <inheritdoc />
    public IEnumerable<TrainBatch> Epoch(int epoch, int startBatch = 0)
    {
        var order = Enumerable.Range(0, Count).ToArray();
        if (_train) new Random(Mix(_seed, epoch, -1)).Shuffle(order);
        for (int b = startBatch; b < BatchesPerEpoch; b++)
        {
            int start = b * _batchSize, n = Math.Min(_batchSize, Count - start);
            yield return MakeBatch(order.AsSpan(start, n), new Random(_train ? Mix(_seed, epoch, b) : 0));
        }
    }

    private TrainBatch MakeBatch(ReadOnlySpan<int> indices, Random rng)
    {
        int size = _pipeline.SampleSize;
        var x = new float[indices.Length * size];
        var y = new long[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            int index = indices[i];
            y[i] = _dataset.GetLabel(index);
            _pipeline.Run(_dataset.Load(index), rng, x.AsSpan(i * size, size), _dataset.Describe(index));
        }
        return new TrainBatch(x, y, [indices.Length, _pipeline.Channels, _pipeline.Height, _pipeline.Width]);
    }

    // SplitMix64 of (seed, epoch, batch): stable across processes and .NET versions, unlike HashCode.Combine
    private static int Mix(int seed, int epoch, int batch) =>
        SeedMix.Finish(((ulong)(uint)seed << 32 | (uint)epoch) * SeedMix.Gamma + (ulong)(long)batch);
}
