using System.Diagnostics;
using ShuffleNet.Vision.Datasets;
using ShuffleNet.Vision.Decoding;
using ShuffleNet.Vision.Loading;
using ShuffleNet.Vision.Transforms;

namespace ShuffleNet.Vision.Tests.Loading;

public class DataLoaderTests
{
    private static readonly Pipeline Train = Presets.ImageNetTrain(crop: 16);

    private static List<(float[] Images, long[] Labels, int[] Indices)> Collect(DataLoader loader, int epoch)
    {
        var all = new List<(float[], long[], int[])>();
        foreach (var b in loader.GetEpoch(epoch))
            using (b) all.Add((b.Images.ToArray(), b.Labels.ToArray(), b.Indices[..b.Count]));
        return all;
    }

    [Fact]
    public void Same_seed_gives_identical_batches_and_augmentation_with_1_2_and_4_workers()
    {
        var ds = new SyntheticDataset(37);
        var runs = new[] { 1, 2, 4 }.Select(w =>
            Collect(new DataLoader(ds, Train, new LoaderOptions { BatchSize = 8, Seed = 5, Workers = w }), epoch: 3))
                .ToList();
        foreach (var run in runs.Skip(1))
        {
            Assert.Equal(runs[0].Count, run.Count);
            for (int i = 0; i < run.Count; i++)
            {
                Assert.Equal(runs[0][i].Indices, run[i].Indices);
                Assert.Equal(runs[0][i].Labels, run[i].Labels);
                Assert.True(runs[0][i].Images.AsSpan().SequenceEqual(run[i].Images), $"batch {i} differs");
            }
        }
    }

    [Fact]
    public void Starting_at_a_later_batch_gives_the_same_batches_as_skipping_to_it()
    {
        var loader = new DataLoader(new SyntheticDataset(45), Train, new LoaderOptions { BatchSize = 8, Seed = 2,
            Workers = 2 });
        var full = Collect(loader, 1);
        var resumed = new List<(float[] Images, long[] Labels, int[] Indices, int Index)>();
        foreach (var b in loader.GetEpoch(1, startBatch: 3))
            using (b) resumed.Add((b.Images.ToArray(), b.Labels.ToArray(), b.Indices[..b.Count], b.Index));
        Assert.Equal(full.Count - 3, resumed.Count);
        for (int i = 0; i < resumed.Count; i++)
        {
            Assert.Equal(full[i + 3].Indices, resumed[i].Indices);
            Assert.True(full[i + 3].Images.AsSpan().SequenceEqual(resumed[i].Images), $"batch {i + 3} differs");
            Assert.Equal(i + 3, resumed[i].Index);
        }
    }

    [Fact]
    public void Every_epoch_is_reshuffled_and_covers_each_sample_exactly_once_with_int64_labels()
    {
        var loader = new DataLoader(new SyntheticDataset(50), Train, new LoaderOptions { BatchSize = 16, Seed = 1,
            Workers = 2 });
        var e0 = Collect(loader, 0).SelectMany(b => b.Indices).ToArray();
        var e1 = Collect(loader, 1).SelectMany(b => b.Indices).ToArray();
        Assert.Equal(Enumerable.Range(0, 50), e0.Order());
        Assert.Equal(Enumerable.Range(0, 50), e1.Order());
        Assert.NotEqual(e0, e1);
        var first = Collect(loader, 0)[0];
        Assert.Equal(first.Indices.Select(i => (long)(i % 5)), first.Labels);
        Assert.Equal(16 * 3 * 16 * 16, first.Images.Length);
    }

    [Theory]
    [InlineData(false, new[] { 16, 16, 16, 2 })]
    [InlineData(true, new[] { 16, 16, 16 })]
    public void Drop_last_decides_whether_the_short_final_batch_is_kept(bool dropLast, int[] sizes)
    {
        var loader = new DataLoader(new SyntheticDataset(50), Train, new LoaderOptions { BatchSize = 16,
            DropLast = dropLast, Workers = 2 });
        Assert.Equal(sizes, Collect(loader, 0).Select(b => b.Labels.Length));
        Assert.Equal(sizes.Length, loader.BatchesPerEpoch);
    }

    [Fact]
    public void Skip_policy_leaves_corrupt_images_out_fills_the_batch_and_reports_them()
    {
        var ds = new SyntheticDataset(20, corrupt: new HashSet<int> { 3, 11 });
        var loader = new DataLoader(ds, Train, new LoaderOptions { BatchSize = 6, Shuffle = false, Workers = 3,
            OnCorruptImage = CorruptImagePolicy.Skip });
        var sizes = new List<int>();
        var skipped = new List<string>();
        foreach (var b in loader.GetEpoch(0))
            using (b) { sizes.Add(b.Count); skipped.AddRange(b.Skipped.Select(s => s.Source)); Assert.DoesNotContain(3,
                b.Indices[..b.Count]); }
        Assert.Equal([6, 6, 6], sizes);
        Assert.Equal(["/data/img3.jpg", "/data/img11.jpg"], skipped);
    }

    [Fact]
    public void Fail_policy_stops_the_epoch_with_an_exception_naming_the_file()
    {
        var loader = new DataLoader(new SyntheticDataset(20, corrupt: new HashSet<int> { 7 }), Train,
            new LoaderOptions { BatchSize = 4, Shuffle = false, Workers = 2 });
        var ex = Assert.Throws<ImageDecodeException>(() => Collect(loader, 0));
        Assert.Contains("/data/img7.jpg", ex.Message);
        Assert.Equal(0, loader.ActiveWorkers);
    }

    [Fact]
    public void Disposing_mid_epoch_stops_the_workers_promptly_without_leaking_threads()
    {
        var ds = new SyntheticDataset(10_000, delayMs: 5);
        var loader = new DataLoader(ds, Train, new LoaderOptions { BatchSize = 8, Workers = 4, PrefetchBatches = 2 });
        var sw = Stopwatch.StartNew();
        foreach (var b in loader.GetEpoch(0)) { b.Dispose(); break; }
        Assert.Equal(0, loader.ActiveWorkers);
        Assert.True(sw.ElapsedMilliseconds < 2000, $"took {sw.ElapsedMilliseconds} ms");
        Assert.True(ds.Loads < 8 + 2 * 8 + 4 + 4, $"prefetch is unbounded: {ds.Loads} loads");
    }

    [Fact]
    public void Many_epochs_reuse_the_same_few_buffers_and_leave_no_threads()
    {
        var loader = new DataLoader(new SyntheticDataset(24), Train, new LoaderOptions { BatchSize = 8, Workers = 2 });
        for (int epoch = 0; epoch < 40; epoch++)
            foreach (var b in loader.GetEpoch(epoch)) b.Dispose();
        Assert.Equal(1, loader.BuffersAllocated);
        Assert.Equal(0, loader.ActiveWorkers);
    }

    [SkippableFact]
    public void Fashion_mnist_training_loader_yields_one_channel_28x28_batches()
    {
        Skip.IfNot(File.Exists(Path.Combine(IdxDataset.FashionMnistDefaultDir, "train-images-idx3-ubyte.gz")),
            "Fashion-MNIST is not installed (Debian's dataset-fashion-mnist; tools/setup.sh installs it)");
        var loader = new DataLoader(IdxDataset.FashionMnist(train: true), Presets.FashionMnistTrain(),
            new LoaderOptions { BatchSize = 128, Workers = 2, DropLast = true });
        Assert.Equal(468, loader.BatchesPerEpoch);   // 60000 // 128, as the peer
        using var batch = loader.GetEpoch(0).First();
        Assert.Equal([128L, 1, 28, 28], batch.Shape);
        Assert.All(batch.Labels.ToArray(), l => Assert.InRange(l, 0, 9));
        Assert.InRange(batch.Images.Span.ToArray().Average(), -0.3, 0.3);   // normalized: mean near 0
    }
}
