using ShuffleNet.Checkpoints;
using ShuffleNet.Onnx.Export;
using ShuffleNet.Onnx.Runtime;

namespace ShuffleNet.Onnx.Tests.Export;

/// <summary>The stem comes from the checkpoint (meta.stem) or the options, never silently from the paper.</summary>
public class StemExportTests
{
    private static Checkpoint WithStem(StateDict sd, StemOptions? stem)
    {
        var meta = new Dictionary<string, object?>();
        if (stem is not null) meta["stem"] = stem.ToMeta();
        return new Checkpoint(sd, null, meta);
    }

    [Theory]
    [InlineData(1, 1, false)]
    [InlineData(1, 1, true)]
    [InlineData(3, 1, false)]
    [InlineData(1, 2, true)]
    public void Every_stem_gives_the_naive_exports_logits_with_its_own_input(int inChannels, int stride, bool maxPool)
    {
        var stem = new StemOptions(inChannels, stride, maxPool);
        var checkpoint = WithStem(TestData.RandomStateDict(Width.X0_5, seed: stride, inChannels: inChannels), stem);
        using var optimized = OrtClassifier.FromCheckpoint(checkpoint, "m.pth");
        var literal = new ExportOptions { Mode = ExportMode.Naive };
        using var naive = OrtClassifier.FromCheckpoint(checkpoint, "m.pth", export: literal);
        int size = inChannels == 1 ? 28 : 224;
        var input = TestData.RandomInput(2 * inChannels * size * size);

        Assert.Equal([inChannels, size, size], optimized.ImageShape);
        var expected = naive.Run(input, 2);
        Assert.InRange(expected.Select(Math.Abs).Max(), 0.1, 1e3);
        Assert.InRange(TestData.MaxAbsDiff(expected, optimized.Run(input, 2)), 0, 1e-4);
    }

    [Fact]
    public void The_stem_is_recorded_in_the_model_metadata()
    {
        var checkpoint = WithStem(TestData.RandomStateDict(Width.X0_5, inChannels: 1), new StemOptions(1, 1, true));
        var info = OnnxModelInfo.Read(OnnxExporter.ExportToBytes(checkpoint, "m.pth"));
        Assert.Equal("in_channels=1 stride=1 max_pool=true", info.Metadata["stem"]);
    }

    [Fact]
    public void A_grayscale_state_dict_needs_its_stem_named()
    {
        var sd = TestData.RandomStateDict(Width.X0_5, inChannels: 1);

        var e = Assert.Throws<OnnxExportException>(() => OnnxExporter.ExportToBytes(sd));
        Assert.Contains("ExportOptions.Stem", e.Message);
        var e2 = Assert.Throws<OnnxExportException>(() => OnnxExporter.ExportToBytes(WithStem(sd, null), "gray.pth"));
        Assert.Contains("gray.pth", e2.Message);
        Assert.Contains("meta.stem", e2.Message);

        var small = new ExportOptions { Stem = StemOptions.SmallImages };
        using var ort = OrtClassifier.FromBytes(OnnxExporter.ExportToBytes(sd, small));
        Assert.Equal([1, 28, 28], ort.ImageShape);
    }

    [Fact]
    public void A_stem_that_contradicts_the_weights_is_refused()
    {
        var sd = TestData.RandomStateDict(Width.X0_5);

        var e = Assert.Throws<OnnxExportException>(() =>
            OnnxExporter.ExportToBytes(WithStem(sd, StemOptions.SmallImages), "rgb.pth"));
        Assert.Contains("meta.stem.in_channels = 1", e.Message);
        var e2 = Assert.Throws<OnnxExportException>(() =>
            OnnxExporter.ExportToBytes(sd, new ExportOptions { Stem = StemOptions.SmallImages }));
        Assert.Contains("'backbone.conv1.conv.weight' has shape [24, 3, 3, 3], expected [24, 1, 3, 3]", e2.Message);
    }

    [Fact]
    public void An_rgb_file_without_meta_stem_has_the_papers_stem()
    {
        var checkpoint = WithStem(TestData.RandomStateDict(Width.X0_5), null);
        var info = OnnxModelInfo.Read(OnnxExporter.ExportToBytes(checkpoint, "tv.pth"));
        Assert.Equal("in_channels=3 stride=2 max_pool=true", info.Metadata["stem"]);
    }
}
