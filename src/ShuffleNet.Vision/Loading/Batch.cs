using System.Collections.Concurrent;

namespace ShuffleNet.Vision.Loading;

/// <summary>
/// One batch: images as ONE contiguous float32 buffer [<see cref="Count"/>, C, H, W] (NCHW, normalized) and int64
/// labels. The buffers come from the loader's pool; <see cref="Dispose"/> gives them back, after which the batch
/// must not be read (copy it into a tensor first).
/// </summary>
public sealed class Batch : IDisposable
{
    private readonly BufferPool _pool;
    private float[]? _images;
    private long[]? _labels;

    internal Batch(BufferPool pool, int epoch, int index, int channels, int height, int width)
    {
        _pool = pool; Epoch = epoch; Index = index; Channels = channels; Height = height; Width = width;
        (_images, _labels) = pool.Rent();
        Indices = new int[pool.BatchSize];
    }

    /// <summary>Epoch this batch belongs to.</summary>
    public int Epoch { get; }

    /// <summary>Position of the batch in its epoch.</summary>
    public int Index { get; }

    /// <summary>Samples in the batch (the last batch of an epoch may hold fewer than the batch size).</summary>
    public int Count { get; internal set; }

    /// <summary>Channels per sample.</summary>
    public int Channels { get; }

    /// <summary>Sample height.</summary>
    public int Height { get; }

    /// <summary>Sample width.</summary>
    public int Width { get; }

    /// <summary>Shape of <see cref="Images"/>: [Count, C, H, W].</summary>
    public long[] Shape => [Count, Channels, Height, Width];

    /// <summary>
    /// The pooled array behind <see cref="Images"/>; only the first <c>Count * C * H * W</c> floats belong to this
    /// batch.
    /// </summary>
    public float[] Data => _images ?? throw new ObjectDisposedException(nameof(Batch));

    /// <summary>The images, NCHW float32, exactly <c>Count * C * H * W</c> floats.</summary>
    public Memory<float> Images => Data.AsMemory(0, Count * Channels * Height * Width);

    /// <summary>The pooled array behind <see cref="Labels"/>.</summary>
    public long[] LabelData => _labels ?? throw new ObjectDisposedException(nameof(Batch));

    /// <summary>Class labels, int64, <see cref="Count"/> of them.</summary>
    public Memory<long> Labels => LabelData.AsMemory(0, Count);

    /// <summary>Dataset index of each sample (for tracing; first <see cref="Count"/> entries).</summary>
    public int[] Indices { get; }

    /// <summary>
    /// Samples left out while filling this batch, with the reason (policy <see cref="CorruptImagePolicy.Skip"/>).
    /// </summary>
    public IReadOnlyList<SkippedSample> Skipped => SkippedList;

    internal List<SkippedSample> SkippedList { get; } = [];

    /// <summary>Returns the buffers to the loader's pool; idempotent.</summary>
    public void Dispose()
    {
        var images = Interlocked.Exchange(ref _images, null);
        var labels = Interlocked.Exchange(ref _labels, null);
        if (images is not null && labels is not null) _pool.Return(images, labels);
    }
}

/// <summary>A sample the loader left out under <see cref="CorruptImagePolicy.Skip"/>.</summary>
/// <param name="Index">Its dataset index.</param>
/// <param name="Source">Where it comes from (<see cref="Datasets.IImageDataset.Describe"/>: the file).</param>
/// <param name="Error">Why: the exception, whose message names the file.</param>
public sealed record SkippedSample(int Index, string Source, Exception Error)
{
    /// <summary>The reason as one line naming the file.</summary>
    public string Message =>
        Error is Decoding.ImageDecodeException ? Error.Message : $"image '{Source}': {Error.Message}";
}

/// <summary>Reusable batch buffers of one shape; grows only as far as the consumer holds batches at once.</summary>
internal sealed class BufferPool(int batchSize, int sampleSize)
{
    private readonly ConcurrentBag<(float[], long[])> _free = [];
    private long _allocated;

    public int BatchSize => batchSize;

    public long Allocated => Interlocked.Read(ref _allocated);

    public (float[] Images, long[] Labels) Rent()
    {
        if (_free.TryTake(out var pair)) return pair;
        Interlocked.Increment(ref _allocated);
        return (new float[(long)batchSize * sampleSize], new long[batchSize]);
    }

    public void Return(float[] images, long[] labels) => _free.Add((images, labels));
}
