using System.Text.Json;
using ShuffleNet.Analysis;
using ShuffleNet.Checkpoints;

namespace ShuffleNet.Tests.Analysis;

public class ComplexityTests
{
    // counted with forward hooks on real torchvision modules (tools/reference/make_model_fixtures.py)
    private static readonly JsonElement Reference =
        JsonDocument.Parse(File.ReadAllText(Paths.Fixture("complexity.json"))).RootElement;

    [Theory]
    [InlineData(Width.X0_5, "0.5")]
    [InlineData(Width.X1_0, "1.0")]
    [InlineData(Width.X1_5, "1.5")]
    [InlineData(Width.X2_0, "2.0")]
    public void Counts_equal_hooks_on_the_pytorch_model(Width width, string name)
    {
        var c = ModelComplexity.Of(width);
        Assert.Equal(Reference.GetProperty(name).GetProperty("params").GetInt64(), c.Parameters);
        Assert.Equal(Reference.GetProperty(name).GetProperty("mmcv").GetInt64(), c.MmcvFlops);
        Assert.Equal(Reference.GetProperty(name).GetProperty("conv_fc").GetInt64(), c.ConvFcMacs);
        Assert.Equal(ModelCard.Known[width].Parameters, c.Parameters);
    }

    [Fact]
    public void One_x_is_within_one_percent_of_the_model_card_and_the_paper()
    {
        var c = ModelComplexity.Of(Width.X1_0);
        Assert.InRange(c.MmcvFlops / 0.149e9, 0.99, 1.01);
        Assert.InRange(c.ConvFcMacs / 0.145e9, 0.99, 1.01);
    }

    [Fact]
    public void Parts_add_up_and_end_in_a_seven_by_seven_feature_map()
    {
        var c = ModelComplexity.Of(Width.X1_0);
        Assert.Equal(["stem", "stage2", "stage3", "stage4", "conv5", "neck", "head"], c.Parts.Select(p => p.Name));
        Assert.Equal(new long[] { 1024, 7, 7 }, c.Parts.Single(p => p.Name == "conv5").OutputShape);
        Assert.Equal(new long[] { 24, 56, 56 }, c.Parts[0].OutputShape);
    }
}
