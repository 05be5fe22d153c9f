using ShuffleNet.Checkpoints;
using ShuffleNet.Layers;
using ShuffleNet.Models;
using BatchNorm2d = TorchSharp.Modules.BatchNorm2d;
using Sequential = TorchSharp.Modules.Sequential;
using static TorchSharp.torch;

namespace ShuffleNet.Tests.Models;

public class ShuffleNetV2Tests
{
    [Fact]
    public void Stride_one_unit_requires_matching_channels() =>
        Assert.Throws<ArgumentException>(() => new InvertedResidual(116, 232, 1));

    [Fact]
    public void Unit_output_equals_concatenation_followed_by_channel_shuffle()
    {
        // the unit fuses cat + shuffle into one stack; check it against the literal mmpretrain formulation
        manual_seed(3);
        using var unit = new InvertedResidual(48, 48, 1);
        unit.eval();
        using var x = randn(2, 48, 7, 5);
        using var _ = no_grad();
        var actual = unit.call(x);
        var branch2 = (Sequential)unit.named_children().Single(c => c.name == "branch2").module;
        var literal = new ChannelShuffle(2).call(cat([x.narrow(1, 0, 24), branch2.call(x.narrow(1, 24, 24))], 1));
        Assert.Equal(0.0, (actual - literal).abs().max().item<float>());
    }

    [Fact]
    public void A_channels_last_input_gives_the_same_features_and_stays_channels_last()
    {
        // NHWC strides (what cuDNN prefers): the fused cat + shuffle must neither fail on them nor fall back to NCHW
        manual_seed(5);
        using var backbone = new ShuffleNetV2(Width.X0_5);
        backbone.eval();
        using var _ = no_grad();
        using var x = randn(2, 3, 64, 64);
        using var nhwc = x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
        Assert.Equal(1, nhwc.stride(1));
        var expected = backbone.call(x)[0];
        var actual = backbone.call(nhwc)[0];
        Assert.Equal(expected.shape, actual.shape);
        Assert.True((actual - expected).abs().max().item<float>() < 1e-4f);
        using var unit = new InvertedResidual(48, 48, 1);
        unit.eval();
        using var y = randn(2, 48, 7, 5).permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
        Assert.Equal(1, unit.call(y).stride(1));
    }

    [Fact]
    public void Channel_shuffle_interleaves_the_groups()
    {
        using var x = arange(6f).view(1, 6, 1, 1);
        var y = new ChannelShuffle(2).call(x).flatten().data<float>().ToArray();
        Assert.Equal(new float[] { 0, 3, 1, 4, 2, 5 }, y);
    }

    [Fact]
    public void Out_indices_return_every_requested_stage()
    {
        using var backbone = new ShuffleNetV2(Width.X0_5, outIndices: [0, 1, 2, 3]);
        backbone.eval();
        using var _ = no_grad();
        var outs = backbone.call(randn(1, 3, 64, 64));
        Assert.Equal(new long[][] { [1, 48, 8, 8], [1, 96, 4, 4], [1, 192, 2, 2], [1, 1024, 2, 2] },
            outs.Select(o => o.shape).ToArray());
    }

    [Fact]
    public void Frozen_stages_stop_gradients_and_keep_batchnorm_in_eval_mode()
    {
        using var backbone = new ShuffleNetV2(Width.X0_5, frozenStages: 2);
        backbone.train();
        var frozen = backbone.named_parameters().Where(p => p.name.StartsWith("conv1.")
            || p.name.StartsWith("layers.0.") || p.name.StartsWith("layers.1."));
        var free = backbone.named_parameters().Where(p => p.name.StartsWith("layers.2.")
            || p.name.StartsWith("layers.3."));
        Assert.All(frozen, p => Assert.False(p.parameter.requires_grad, p.name));
        Assert.All(free, p => Assert.True(p.parameter.requires_grad, p.name));
        var bns = backbone.named_modules().Where(m => m.module is BatchNorm2d).ToList();
        Assert.All(bns.Where(m => m.name.StartsWith("layers.1.")), m => Assert.False(m.module.training, m.name));
        Assert.All(bns.Where(m => m.name.StartsWith("layers.2.")), m => Assert.True(m.module.training, m.name));
    }

    [Fact]
    public void Norm_eval_keeps_every_batchnorm_in_eval_mode_while_training()
    {
        using var backbone = new ShuffleNetV2(Width.X0_5, normEval: true);
        backbone.train();
        Assert.True(backbone.training);
        Assert.All(backbone.named_modules().Where(m => m.module is BatchNorm2d), m => Assert.False(m.module.training,
            m.name));
    }

    [Fact]
    public void Weights_are_initialised_as_mmpretrain_does()
    {
        manual_seed(0);
        using var model = ShuffleNetV2Builder.Create(Width.X1_0);
        var p = model.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        Assert.InRange(p["backbone.conv1.conv.weight"].std().item<float>(), 0.008, 0.012);
        // 1x1 conv with 232 input channels: std 1/232
        Assert.InRange(p["backbone.layers.2.0.branch2.0.conv.weight"].std().item<float>() * 232, 0.95, 1.05);
        Assert.InRange(p["head.fc.weight"].std().item<float>(), 0.0095, 0.0105);
        Assert.Equal(0f, p["head.fc.bias"].abs().max().item<float>());
        Assert.Equal(1f, p["backbone.layers.0.0.branch1.0.bn.weight"].min().item<float>());
    }

    [Fact]
    public void Small_image_stem_keeps_28x28_resolution_into_stage_two()
    {
        using var model = ShuffleNetV2Builder.Create(Width.X0_5, numClasses: 10, stem: StemOptions.SmallImages);
        model.eval();
        using var _ = no_grad();
        var feats = model.Backbone.call(zeros(2, 1, 28, 28));
        Assert.Equal(new long[] { 2, 1024, 4, 4 }, feats[^1].shape);
        Assert.Equal(new long[] { 2, 10 }, model.call(zeros(2, 1, 28, 28)).shape);
    }
}
