using ShuffleNet.Checkpoints;
using ShuffleNet.Models;
using static TorchSharp.torch;

namespace ShuffleNet.Tests.Models;

public class ShuffleNetV2BuilderTests
{
    private static string TempFile() => Path.Combine(Path.GetTempPath(), $"builder-{Guid.NewGuid():N}.pth");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Grayscale_checkpoint_reloads_with_its_stem_and_the_same_outputs(bool withMeta)
    {
        var stem = withMeta ? new StemOptions(1, 1, true) : StemOptions.SmallImages;
        using var model = ShuffleNetV2Builder.Create(Width.X0_5, numClasses: 10, stem: stem);
        model.eval();
        var meta = new Dictionary<string, object?>();
        if (withMeta) meta["stem"] = stem.ToMeta();
        var path = TempFile();
        try
        {
            CheckpointFile.Save(path, new Checkpoint(Weights.ToStateDict(model), [.. Enumerable.Range(0, 10).Select(i => $"c{i}")], meta));
            using var again = ShuffleNetV2Builder.FromCheckpoint(path);
            Assert.Equal(stem, again.Backbone.Stem);
            Assert.Equal("c9", again.Classes![9]);
            using var _ = no_grad();
            using var x = randn(2, 1, 28, 28);
            Assert.Equal(0f, (model.call(x) - again.call(x)).abs().max().item<float>());
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Backbone_only_checkpoint_cannot_be_used_for_prediction()
    {
        var sd = new StateDict();
        foreach (var (k, shape) in ShuffleNetV2Layout.Keys(Width.X0_5, numClasses: 0))
            sd[k] = new TensorData(k.EndsWith("num_batches_tracked") ? DType.Int64 : DType.Float32, shape,
                new byte[shape.Aggregate(1L, (a, b) => a * b) * (k.EndsWith("num_batches_tracked") ? 8 : 4)]);
        var e = Assert.Throws<CheckpointException>(() => ShuffleNetV2Builder.FromCheckpoint(Checkpoint.FromStateDict(sd), "backbone.pth"));
        Assert.Contains("backbone.pth", e.Message);
        Assert.Contains("head", e.Message);
    }
}
