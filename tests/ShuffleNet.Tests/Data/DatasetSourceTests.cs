using ShuffleNet.Data;
using ShuffleNet.Training;
using ShuffleNet.Vision.Datasets;
using ShuffleNet.Vision.Transforms;

namespace ShuffleNet.Tests.Data;

/// <summary>
/// The one Fashion-MNIST path (IdxDataset + Presets.FashionMnistTrain through <see cref="DatasetSource"/>) against the
/// source every recorded run trained with (<see cref="LegacyInMemorySource"/>): the same batches, byte for byte, so the
/// recorded figures stay reproducible.
/// </summary>
public class DatasetSourceTests
{
    private const int Side = 28;

    private static (byte[] Chw, long[] Labels) Synthetic(int n)
    {
        var rng = new Random(11);
        var images = new byte[n * Side * Side];
        rng.NextBytes(images);
        return (images, Enumerable.Range(0, n).Select(i => (long)(i % 10)).ToArray());
    }

    private static void AssertSame(IBatchSource expected, IBatchSource actual, int epochs)
    {
        Assert.Equal(expected.BatchesPerEpoch, actual.BatchesPerEpoch);
        for (int epoch = 0; epoch < epochs; epoch++)
            foreach (var (e, a) in expected.Epoch(epoch).Zip(actual.Epoch(epoch), (e, a) => (e, a)))
            {
                Assert.Equal(e.Labels, a.Labels);
                Assert.Equal(e.Shape, a.Shape);
                Assert.True(e.Images.AsSpan().SequenceEqual(a.Images), $"epoch {epoch}: images differ");
            }
    }

    [Theory]
    [InlineData(2, true, 0.0)]
    [InlineData(2, true, 0.5)]
    [InlineData(4, false, 0.0)]
    public void Training_batches_are_those_of_the_recorded_runs(int pad, bool flip, double erasing)
    {
        var (chw, labels) = Synthetic(40);
        var classes = IdxDataset.FashionMnistClasses;
        var legacy = new LegacyInMemorySource(chw, labels, [1, Side, Side], classes, 0.2860f, 0.3530f, 8,
            new LegacyAugment(pad, flip, 3, erasing > 0 ? new RandomErasing(erasing) : null));
        var dataset = new ArrayDataset(chw, labels, 1, Side, Side, classes);
        var source = new DatasetSource(dataset, Presets.FashionMnistTrain(pad, flip, erasing), 8, train: true, seed: 3);
        AssertSame(legacy, source, epochs: 3);
    }

    [Fact]
    public void Evaluation_batches_keep_file_order_and_every_sample()
    {
        var (chw, labels) = Synthetic(21);
        var classes = IdxDataset.FashionMnistClasses;
        var legacy = new LegacyInMemorySource(chw, labels, [1, Side, Side], classes, 0.2860f, 0.3530f, 8, null);
        var source = new DatasetSource(new ArrayDataset(chw, labels, 1, Side, Side, classes),
            Presets.FashionMnistEval(),
            8, train: false);
        Assert.Equal(3, source.BatchesPerEpoch);
        Assert.Equal(labels, source.Epoch(0).SelectMany(b => b.Labels));
        AssertSame(legacy, source, epochs: 1);
    }

    [Fact]
    public void A_batch_resumed_mid_epoch_is_the_one_the_whole_epoch_yields()
    {
        var (chw, labels) = Synthetic(40);
        var source = new DatasetSource(new ArrayDataset(chw, labels, 1, Side, Side, IdxDataset.FashionMnistClasses),
            Presets.FashionMnistTrain(), 8, train: true, seed: 5);
        var whole = source.Epoch(1).ToList();
        var tail = source.Epoch(1, startBatch: 3).ToList();
        Assert.Equal(2, tail.Count);
        Assert.Equal(whole[3].Images, tail[0].Images);
        Assert.Equal(whole[4].Labels, tail[1].Labels);
    }

    [SkippableFact]
    public void Real_fashion_mnist_test_split_matches_the_recorded_path()
    {
        Skip.IfNot(File.Exists(Path.Combine(IdxDataset.FashionMnistDefaultDir, "t10k-images-idx3-ubyte.gz")),
            "Debian's dataset-fashion-mnist is not installed");
        var data = IdxDataset.FashionMnist(train: false);
        const int n = 600;
        var chw = new byte[n * Side * Side];
        for (int i = 0; i < n; i++)
        {
            using var image = data.Load(i);
            image.Pixels.CopyTo(chw.AsSpan(i * Side * Side));
        }
        var labels = Enumerable.Range(0, n).Select(i => (long)data.GetLabel(i)).ToArray();
        var legacy = new LegacyInMemorySource(chw, labels, [1, Side, Side], data.Classes, 0.2860f, 0.3530f, 64,
            new LegacyAugment(2, true, 0, new RandomErasing(0.25)));
        var source = new DatasetSource(new ArrayDataset(chw, labels, 1, Side, Side, data.Classes),
            Presets.FashionMnistTrain(2, true, 0.25), 64, train: true, seed: 0);
        AssertSame(legacy, source, epochs: 2);
        var full = TrainData.FashionMnist(IdxDataset.FashionMnistDefaultDir, train: false, 500);
        Assert.Equal(10000, full.Count);
        Assert.Equal(20, full.BatchesPerEpoch);
    }

    [Fact]
    public void Random_erasing_zeroes_one_rectangle_per_sample_and_leaves_the_rest_of_the_batch_as_without_it()
    {
        const int n = 16, side = 12;
        // never the mean
        var images = Enumerable.Range(0, n * side * side).Select(i => (byte)(100 + i % 100)).ToArray();
        var labels = Enumerable.Range(0, n).Select(i => (long)(i % 3)).ToArray();
        var normalize = new Normalize([0.1f], [0.3f], inputScale: 255f, multiplyAdd: true);
        DatasetSource Source(double erasing) => new(new ArrayDataset(images, labels, 1, side, side, ["a", "b", "c"]),
            new Pipeline([], normalize, side, side, erasing > 0 ? [new RandomErasing(erasing)] : []), 8, true, 5);
        var plain = Source(0).Epoch(2).First();
        var erased = Source(1).Epoch(2).First();
        Assert.Equal(plain.Labels, erased.Labels);   // same shuffle
        int size = side * side, samplesErased = 0;
        for (int s = 0; s < plain.Labels.Length; s++)
        {
            var a = plain.Images.AsSpan(s * size, size);
            var b = erased.Images.AsSpan(s * size, size);
            int zeros = 0;
            for (int p = 0; p < size; p++)
            {
                if (b[p] == 0) zeros++;
                else Assert.Equal(a[p], b[p]);
            }
            Assert.DoesNotContain(0f, a.ToArray());
            samplesErased += zeros > 0 ? 1 : 0;
        }
        Assert.True(samplesErased >= 6, $"only {samplesErased} of 8 samples erased at probability 1");
    }
}
