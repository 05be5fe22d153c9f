using ShuffleNet.Checkpoints;
using ShuffleNet.Models;
using static TorchSharp.torch;

namespace ShuffleNet.Tests.Models;

public class ShuffleNetV2BuilderTests
{
    private static string TempFile() => Path.Combine(Path.GetTempPath(), $"builder-{Guid.NewGuid():N}.pth");

    [Theory]
    [InlineData(1, 1, true)]
    [InlineData(1, 1, false)]
    public void Grayscale_checkpoint_reloads_with_its_stem_and_the_same_outputs(int channels, int stride, bool maxPool)
    {
        var stem = new StemOptions(channels, stride, maxPool);
        using var model = ShuffleNetV2Builder.Create(Width.X0_5, numClasses: 10, stem: stem);
        model.eval();
        var meta = new Dictionary<string, object?> { ["stem"] = stem.ToMeta() };
        var path = TempFile();
        try
        {
            CheckpointFile.Save(path, new Checkpoint(Weights.ToStateDict(model), [.. Enumerable.Range(0, 10)
                .Select(i => $"c{i}")], meta));
            using var again = ShuffleNetV2Builder.FromCheckpoint(path);
            Assert.Equal(stem, again.Backbone.Stem);
            Assert.Equal("c9", again.Classes![9]);
            using var _ = no_grad();
            using var x = randn(2, 1, 28, 28);
            Assert.Equal(0f, (model.call(x) - again.call(x)).abs().max().item<float>());
        }
        finally { File.Delete(path); }
    }

    // stride and max-pool hold no weights: without meta.stem a grayscale file could be either, and a wrong guess
    // gives wrong answers silently (the default recipe's stem is stride 1 with max-pool, SmallImages has none)
    [Fact]
    public void Grayscale_checkpoint_without_meta_stem_is_refused_with_what_to_add()
    {
        using var model = ShuffleNetV2Builder.Create(Width.X0_5, numClasses: 10, stem: StemOptions.SmallImages);
        var e = Assert.Throws<CheckpointException>(() =>
            ShuffleNetV2Builder.FromCheckpoint(Checkpoint.FromStateDict(Weights.ToStateDict(model)), "gray.pth"));
        Assert.Contains("gray.pth", e.Message);
        Assert.Contains("meta['stem']", e.Message);
    }

    [Fact]
    public void Meta_stem_that_contradicts_the_weights_is_refused()
    {
        using var model = ShuffleNetV2Builder.Create(Width.X0_5, numClasses: 10);
        var meta = new Dictionary<string, object?> { ["stem"] = StemOptions.SmallImages.ToMeta() };
        var e = Assert.Throws<CheckpointException>(() =>
            ShuffleNetV2Builder.FromCheckpoint(new Checkpoint(Weights.ToStateDict(model), null, meta), "rgb.pth"));
        Assert.Contains("meta.stem.in_channels = 1", e.Message);
        Assert.Contains("takes 3 channels", e.Message);
    }

    [Fact]
    public void Backbone_only_checkpoint_cannot_be_used_for_prediction()
    {
        var sd = new StateDict();
        foreach (var (k, shape) in ShuffleNetV2Layout.Keys(Width.X0_5, numClasses: 0))
            sd[k] = new TensorData(k.EndsWith("num_batches_tracked") ? DType.Int64 : DType.Float32, shape,
                new byte[shape.Aggregate(1L, (a, b) => a * b) * (k.EndsWith("num_batches_tracked") ? 8 : 4)]);
        var e = Assert.Throws<CheckpointException>(() =>
            ShuffleNetV2Builder.FromCheckpoint(Checkpoint.FromStateDict(sd), "backbone.pth"));
        Assert.Contains("backbone.pth", e.Message);
        Assert.Contains("head", e.Message);
    }
}
