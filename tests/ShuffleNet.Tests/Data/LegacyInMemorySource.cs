using ShuffleNet.Data;
using ShuffleNet.Vision.Transforms;

namespace ShuffleNet.Tests.Data;

// The Fashion-MNIST batch source every recorded run trained with (src/ShuffleNet/Training/InMemorySource.cs at
// 28b14ec), kept verbatim but for names as the reference DatasetSource must reproduce byte for byte. Do not change it.

/// <summary>
/// Training-time augmentation of small images: zero-pad (after normalisation, as the peer does), random crop back,
/// flip.
/// </summary>
/// <param name="Pad">Pixels of padding on each side; the crop offset is uniform in 0..2*Pad per axis and per
/// sample.</param>
/// <param name="Flip">Flip each sample horizontally with probability 0.5.</param>
/// <param name="Seed">Seeds the shuffle and the augmentation of every epoch.</param>
/// <param name="Erasing">Random erasing after crop and flip, or null for none.</param>
internal sealed record LegacyAugment(int Pad, bool Flip, int Seed, RandomErasing? Erasing = null);

/// <summary>
/// A dataset held in memory as bytes (<c>[N, C, H, W]</c>, 0-255). With an <see cref="LegacyAugment"/> it is a training
/// source: shuffled each epoch, last partial batch dropped, each sample padded, randomly cropped and flipped; without,
/// an evaluation source in file order with every sample. Shuffle and augmentation come from generators seeded by (seed,
/// epoch, batch), so any batch of any epoch can be reproduced without the ones before it (exact resume).
/// </summary>
internal sealed class LegacyInMemorySource : IBatchSource
{
    private readonly byte[] _images;
    private readonly long[] _labels;
    private readonly int _c, _h, _w, _batchSize;
    private readonly float _mean, _std;
    private readonly LegacyAugment? _augment;

    /// <summary>
    /// Wraps <paramref name="images"/> (<c>N * shape</c> bytes) and <paramref name="labels"/>; mean and std on a 0-1
    /// scale.
    /// </summary>
    public LegacyInMemorySource(byte[] images, long[] labels, int[] shape, IReadOnlyList<string> classes, float mean,
        float std, int batchSize, LegacyAugment? augment)
    {
        (_c, _h, _w) = (shape[0], shape[1], shape[2]);
        if (labels.Length == 0) throw new InvalidOperationException("the dataset is empty: no images to train or " +
            "evaluate on");
        if (images.LongLength != (long)labels.Length * _c * _h * _w)
            throw new InvalidOperationException($"the dataset has {labels.Length} labels but {images.LongLength} " +
                $"bytes of images; expected {labels.Length}x{_c}x{_h}x{_w}");
        if (labels.Any(l => l < 0)) throw new InvalidOperationException("the dataset has a negative label");
        (_images, _labels, _mean, _std, _batchSize, _augment) = (images, labels, mean, std, batchSize, augment);
        Classes = classes;
        MaxLabel = (int)labels.Max();
    }

    /// <inheritdoc />
    public int Count => _labels.Length;

    /// <inheritdoc />
    public int BatchesPerEpoch => _augment is not null && Count >= _batchSize ? Count / _batchSize : (Count
        + _batchSize - 1) / _batchSize;

    /// <inheritdoc />
    public IReadOnlyList<string> Classes { get; }

    /// <inheritdoc />
    public int MaxLabel { get; }

    /// <inheritdoc />
    public IEnumerable<TrainBatch> Epoch(int epoch, int startBatch = 0)
    {
        var order = Enumerable.Range(0, Count).ToArray();
        if (_augment is not null) new Random(Mix(_augment.Seed, epoch, -1)).Shuffle(order);
        for (int b = startBatch; b < BatchesPerEpoch; b++)
        {
            int start = b * _batchSize, n = Math.Min(_batchSize, Count - start);
            yield return MakeBatch(order.AsSpan(start, n), _augment is null ? null : new Random(Mix(_augment.Seed,
                epoch, b)));
        }
    }

    private TrainBatch MakeBatch(ReadOnlySpan<int> indices, Random? rng)
    {
        int plane = _h * _w, size = _c * plane, pad = _augment?.Pad ?? 0;
        var x = new float[indices.Length * size];
        var y = new long[indices.Length];
        float scale = 1f / (255f * _std), shift = _mean / _std;
        for (int i = 0; i < indices.Length; i++)
        {
            int src = indices[i];
            y[i] = _labels[src];
            int dy = 0, dx = 0;
            bool flip = false;
            if (rng is not null)
            {
                dy = rng.Next(2 * pad + 1) - pad;   // offset into the padded image, relative to the original
                dx = rng.Next(2 * pad + 1) - pad;
                flip = _augment!.Flip && rng.Next(2) == 1;
            }
            for (int c = 0; c < _c; c++)
            {
                int inBase = src * size + c * plane, outBase = i * size + c * plane;
                for (int r = 0; r < _h; r++)
                {
                    int sr = r + dy;
                    for (int col = 0; col < _w; col++)
                    {
                        int sc = (flip ? _w - 1 - col : col) + dx;
                        // padding is 0 after normalisation, i.e. the mean pixel, exactly as the peer pads the
                        // normalised tensor
                        x[outBase + r * _w + col] = sr < 0 || sr >= _h || sc < 0 || sc >= _w ? 0f : _images[inBase
                            + sr * _w + sc] * scale - shift;
                    }
                }
            }
            // drawn after the crop and flip, and only when enabled, so runs without it keep their trajectories
            _augment?.Erasing?.Apply(x.AsSpan(i * size, size), _c, _h, _w, rng!);
        }
        return new TrainBatch(x, y, [indices.Length, _c, _h, _w], indices.ToArray());
    }

    // SplitMix64 of (seed, epoch, batch): stable across processes and .NET versions, unlike HashCode.Combine
    private static int Mix(int seed, int epoch, int batch)
    {
        ulong z = ((ulong)(uint)seed << 32 | (uint)epoch) * 0x9E3779B97F4A7C15UL + (ulong)(long)batch;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)((z ^ (z >> 31)) & 0x7FFFFFFF);
    }
}
