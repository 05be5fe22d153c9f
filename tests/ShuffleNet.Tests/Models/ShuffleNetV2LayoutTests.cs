using ShuffleNet.Checkpoints;
using ShuffleNet.Models;

namespace ShuffleNet.Tests.Models;

public class ShuffleNetV2LayoutTests
{
    public static TheoryData<Width, string> Widths => new()
    {
        { Width.X0_5, "0.5" }, { Width.X1_0, "1.0" }, { Width.X1_5, "1.5" }, { Width.X2_0, "2.0" },
    };

    // golden lists: torchvision's state dict renamed by the reference script's mapping
    // (tools/reference/make_model_fixtures.py)
    private static string[] Golden(string w) => File.ReadAllLines(Paths.Fixture($"keys_{w}.txt"));

    [Theory, MemberData(nameof(Widths))]
    public void Model_state_dict_has_mmpretrains_keys_and_shapes_in_order(Width width, string name)
    {
        using var model = ShuffleNetV2Builder.Create(width);
        var actual = Weights.ToStateDict(model).Select(kv => $"{kv.Key} {kv.Value.ShapeText.Replace(" ", "")}")
            .ToArray();
        Assert.Equal(Golden(name), actual);
        Assert.Equal(actual.Order(), model.state_dict().Select(kv => $"{kv.Key} [{string.Join(",", kv.Value.shape)}]")
            .Order());
    }

    [Theory, MemberData(nameof(Widths))]
    public void Layout_table_lists_the_same_keys_as_the_model(Width width, string name)
    {
        var actual = ShuffleNetV2Layout.Keys(width).Select(k => $"{k.Key} [{string.Join(",", k.Shape)}]").ToArray();
        Assert.Equal(Golden(name), actual);
    }

    [Theory, MemberData(nameof(Widths))]
    public void Parameter_count_matches_the_model_card(Width width, string _)
    {
        using var model = ShuffleNetV2Builder.Create(width);
        long count = model.parameters().Sum(p => p.numel());
        Assert.Equal(ModelCard.Known[width].Parameters, count);
    }

    [Fact]
    public void Torchvision_key_map_renames_every_key_both_ways()
    {
        foreach (var line in Golden("1.0"))
        {
            var mm = line.Split(' ')[0];
            Assert.Equal(mm, TorchvisionKeyMap.ToMmcls(TorchvisionKeyMap.ToTorchvision(mm)));
        }
        Assert.Equal("backbone.layers.0.0.branch2.1.conv.weight",
            TorchvisionKeyMap.ToMmcls("stage2.0.branch2.3.weight"));
        Assert.Equal("stage4.0.branch1.2.weight",
            TorchvisionKeyMap.ToTorchvision("backbone.layers.2.0.branch1.1.conv.weight"));
        Assert.Equal("conv5.1.running_var", TorchvisionKeyMap.ToTorchvision("backbone.layers.3.bn.running_var"));
        // a ReLU holds no state
        Assert.Throws<KeyNotFoundException>(() => TorchvisionKeyMap.ToMmcls("stage2.0.branch2.2.weight"));
    }

    [Theory]
    [InlineData("0.5x", Width.X0_5)]
    [InlineData("1.0", Width.X1_0)]
    [InlineData("1x", Width.X1_0)]
    [InlineData("x1_5", Width.X1_5)]
    [InlineData("2.0x", Width.X2_0)]
    public void Width_names_parse(string text, Width expected) => Assert.Equal(expected,
        ShuffleNetV2Layout.TryParse(text));

    [Theory]
    [InlineData("0.75x")]
    [InlineData("big")]
    public void Unknown_width_names_do_not_parse(string text) => Assert.Null(ShuffleNetV2Layout.TryParse(text));
}
