using ShuffleNet.Checkpoints;

namespace ShuffleNet.Checkpoints.Tests;

public class LayoutCheckTests
{
    /// <summary>A zero-filled state dict with exactly the layout's keys and shapes.</summary>
    private static StateDict Zeros(Width width, int numClasses = 1000)
    {
        var sd = new StateDict();
        foreach (var (key, shape) in ShuffleNetV2Layout.Keys(width, numClasses))
            sd[key] = key.EndsWith("num_batches_tracked", StringComparison.Ordinal)
                ? TensorData.FromInt64([0], shape)
                : TensorData.FromFloat32(new float[shape.Aggregate(1L, (a, b) => a * b)], shape);
        return sd;
    }

    private static StateDict Without(StateDict sd, string key)
    {
        var result = new StateDict();
        foreach (var (k, v) in sd) if (k != key) result[k] = v;
        return result;
    }

    [Theory]
    [InlineData(Width.X0_5)]
    [InlineData(Width.X1_0)]
    [InlineData(Width.X1_5)]
    [InlineData(Width.X2_0)]
    public void Every_width_is_inferred_with_its_head(Width width)
    {
        Assert.Equal((width, (int?)10), LayoutCheck.Validate(Zeros(width, 10), "x.pth"));
        Assert.Equal((width, (int?)10), LayoutCheck.Validate(Zeros(width, 10), "x.pth", width, 10));
    }

    [Fact]
    public void Backbone_only_state_dict_is_valid_without_classes() =>
        Assert.Equal((Width.X1_0, (int?)null), LayoutCheck.Validate(Zeros(Width.X1_0, 0), "x.pth",
            expectedNumClasses: 1000));

    [Fact]
    public void Width_mismatch_names_the_first_key_and_both_shapes()
    {
        var e = Assert.Throws<CheckpointException>(() => LayoutCheck.Validate(Zeros(Width.X0_5), "x.pth", Width.X1_0));
        Assert.Equal("checkpoint 'x.pth' does not match ShuffleNetV2 1.0x: " +
            "'backbone.layers.0.0.branch1.1.conv.weight' has shape [24, 24, 1, 1], expected [58, 24, 1, 1]", e.Message);
    }

    [Fact]
    public void Extra_key_is_named_with_the_counts()
    {
        var sd = Zeros(Width.X1_0);
        sd["backbone.fc.weight"] = TensorData.FromFloat32([0f], 1);
        sd["backbone.fc.bias"] = TensorData.FromFloat32([0f], 1);
        var e = Assert.Throws<CheckpointException>(() => LayoutCheck.Validate(sd, "x.pth"));
        Assert.StartsWith("checkpoint 'x.pth' has 340 keys; expected the 338 of ShuffleNetV2 1.0x with 1000 classes " +
            "(first unexpected: 'backbone.fc.weight')", e.Message);
    }

    [Fact]
    public void Missing_key_is_named()
    {
        var sd = Without(Zeros(Width.X1_0), "backbone.layers.1.3.branch2.1.bn.running_var");
        var e = Assert.Throws<CheckpointException>(() => LayoutCheck.Validate(sd, "x.pth"));
        Assert.StartsWith("checkpoint 'x.pth' has 337 keys; expected the 338 of ShuffleNetV2 1.0x with 1000 classes " +
            "(first missing: 'backbone.layers.1.3.branch2.1.bn.running_var')", e.Message);
    }

    [Fact]
    public void Head_of_another_size_is_reported()
    {
        var e = Assert.Throws<CheckpointException>(() => LayoutCheck.Validate(Zeros(Width.X1_0, 7), "x.pth",
            expectedNumClasses: 1000));
        Assert.Contains("head of 7 classes; expected 1000", e.Message);
    }

    [Fact]
    public void Width_that_cannot_be_inferred_asks_whether_it_is_shufflenet()
    {
        var sd = new StateDict { ["conv.weight"] = TensorData.FromFloat32([0f], 1, 1, 1, 1) };
        var e = Assert.Throws<CheckpointException>(() => LayoutCheck.Validate(sd, "resnet.pth"));
        Assert.Contains("'resnet.pth'", e.Message);
        Assert.Contains("is it a ShuffleNet V2 checkpoint?", e.Message);
    }
}
