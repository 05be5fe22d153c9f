using ShuffleNet.Checkpoints;
using ShuffleNet.Models;
using ShuffleNet.Training;

namespace ShuffleNet.Tests.Training;

public class ParamGroupsTests
{
    [Fact]
    public void Conv_and_fc_weights_and_biases_decay_and_batchnorm_weights_and_biases_do_not()
    {
        using var model = ShuffleNetV2Builder.Create(Width.X0_5, 10, StemOptions.SmallImages);
        var groups = ParamGroups.Split(model, 4e-5, 0);
        // 56 ConvModules (conv1, 16 units x 3 branch2 convs, 3 x 2 branch1 convs, conv5): bias-free convs, BN
        // weight+bias each
        Assert.Equal(58, groups[0].Parameters.Count);     // 56 conv weights + head.fc.weight + head.fc.bias
        Assert.Equal(112, groups[1].Parameters.Count);    // 56 x (bn.weight, bn.bias)
        Assert.Equal(4e-5, groups[0].WeightDecay);
        Assert.Equal(0, groups[1].WeightDecay);
        Assert.All(groups[1].Names, n => Assert.Contains(".bn.", n));
        Assert.All(groups[0].Names, n => Assert.True(n.EndsWith("conv.weight", StringComparison.Ordinal)
            || n.StartsWith("head.fc.", StringComparison.Ordinal), n));
        Assert.Contains("head.fc.bias", groups[0].Names);
    }

    [Fact]
    public void Frozen_stages_leave_their_parameters_out_of_the_optimizer()
    {
        using var model = ShuffleNetV2Builder.Create(Width.X0_5, 10, StemOptions.SmallImages, frozenStages: 1);
        var groups = ParamGroups.Split(model, 4e-5, 0);
        // conv1 and stage 2 (4 units: 4 x 3 + 2 convs) = 15 ConvModules frozen
        Assert.Equal(58 - 15, groups[0].Parameters.Count);
        Assert.Equal(112 - 30, groups[1].Parameters.Count);
        Assert.DoesNotContain(groups[0].Names, n => n.StartsWith("backbone.layers.0.", StringComparison.Ordinal)
            || n.StartsWith("backbone.conv1.", StringComparison.Ordinal));
    }
}
