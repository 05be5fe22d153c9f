using ShuffleNet.Vision.Datasets;
using ShuffleNet.Vision.Transforms;

namespace ShuffleNet.Vision.Loading;

/// <summary>
/// Decodes and augments samples of an <see cref="IImageDataset"/> on worker threads into NCHW float32
/// <see cref="Batch"/>es. Order and augmentation are a function of (seed, epoch, sample) only: every sample gets
/// its own <see cref="Random"/> seeded from (seed, epoch, dataset index), so 1, 2 or 16 workers give the same
/// bytes. The order is reshuffled every epoch.
/// </summary>
public sealed class DataLoader
{
    /// <summary>Creates a loader; nothing runs until an epoch is enumerated.</summary>
    public DataLoader(IImageDataset dataset, Pipeline pipeline, LoaderOptions? options = null)
    {
        Dataset = dataset; Pipeline = pipeline; Options = options ?? new LoaderOptions();
        Options.Validate();
        if (dataset.Count == 0) throw new ArgumentException("the dataset is empty", nameof(dataset));
        Pool = new BufferPool(Options.BatchSize, pipeline.SampleSize);
    }

    /// <summary>The samples.</summary>
    public IImageDataset Dataset { get; }

    /// <summary>The per-sample transforms.</summary>
    public Pipeline Pipeline { get; }

    /// <summary>Batching, threading and error settings.</summary>
    public LoaderOptions Options { get; }

    internal BufferPool Pool { get; }

    /// <summary>
    /// Batch buffers allocated so far (diagnostics: stays flat over epochs when batches are disposed).
    /// </summary>
    public long BuffersAllocated => Pool.Allocated;

    /// <summary>Worker threads alive right now, over all epochs of this loader.</summary>
    public int ActiveWorkers => Volatile.Read(ref _activeWorkers);

    internal int _activeWorkers;

    /// <summary>Batches per epoch when no sample is skipped.</summary>
    public int BatchesPerEpoch => Options.DropLast
        ? Dataset.Count / Options.BatchSize
        : (Dataset.Count + Options.BatchSize - 1) / Options.BatchSize;

    /// <summary>
    /// The batches of <paramref name="epoch"/> from batch <paramref name="startBatch"/> on (to resume mid-epoch without
    /// decoding what was already trained on), produced while you consume them. Dispose the enumerator (a
    /// <c>foreach</c> does) to stop the workers early; dispose each <see cref="Batch"/> to recycle its buffers.
    /// Under <see cref="CorruptImagePolicy.Skip"/> a later start is exact only if no earlier sample was skipped.
    /// </summary>
    public IEnumerable<Batch> GetEpoch(int epoch, int startBatch = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(startBatch);
        using var reader = new EpochReader(this, epoch, startBatch);
        while (reader.Next() is { } batch) yield return batch;
    }

    /// <summary>
    /// The sample order of <paramref name="epoch"/>: a seeded Fisher-Yates shuffle, or 0..N-1 without shuffling.
    /// </summary>
    public int[] Order(int epoch)
    {
        var order = Enumerable.Range(0, Dataset.Count).ToArray();
        if (Options.Shuffle) new Random(Mix(Options.Seed, epoch, -1)).Shuffle(order);
        return order;
    }

    /// <summary>The random source of one sample: seeded from (seed, epoch, dataset index) alone.</summary>
    public static Random SampleRandom(int seed, int epoch, int index) => new(Mix(seed, epoch, index));

    private static int Mix(int seed, int epoch, int index)
        // SplitMix64 finalizer over the three numbers: nearby inputs give unrelated seeds
        => SeedMix.Finish((ulong)(uint)seed * SeedMix.Gamma ^ (ulong)(uint)epoch << 32 ^ (uint)index);
}
