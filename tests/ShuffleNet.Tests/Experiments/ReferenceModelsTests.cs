using ShuffleNet.Experiments;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ShuffleNet.Tests.Experiments;

public class ReferenceModelsTests
{
    [Fact]
    public void MobileNet_v2_has_torchvisions_exact_parameter_count_and_300M_macs()
    {
        using var m = new MobileNetV2(1.0);
        Assert.Equal(3_504_872, ReferenceModel.Parameters(m));
        Assert.InRange(GraphTracer.Trace(m, "mbv2", 3, 224).ConvFcMacs / 300e6, 0.99, 1.01);
    }

    // conv1 696; stage 2: 6,972 + 3 x 10,860; stage 3: 21,240 + 7 x 40,920; stage 4: 80,880 + 3 x 158,640; head 961,000
    // (convs without bias, BatchNorm 2 per channel, group convs in/groups per output): 1,865,728, the card's 1.87M
    [Fact]
    public void ShuffleNet_v1_g3_has_the_derived_parameter_count_and_about_140M_macs()
    {
        using var m = new ShuffleNetV1Classifier(groups: 3);
        Assert.Equal(1_865_728, ReferenceModel.Parameters(m));
        Assert.InRange(GraphTracer.Trace(m, "v1", 3, 224).ConvFcMacs / 1e6, 137, 141);
    }

    [Fact]
    public void Reference_models_map_images_to_a_thousand_logits()
    {
        foreach (var m in ReferenceModels.All.Where(m => m.V2Width is null))
        {
            using var model = m.Create();
            using var x = randn(2, 3, 224, 224);
            using var _ = no_grad();
            using var y = model.call(x);
            Assert.Equal(new[] { 2L, 1000 }, y.shape);
        }
    }

    [Fact]
    public void Every_exact_published_count_is_met()
    {
        foreach (var m in ReferenceModels.All.Where(m => m.PublishedParameters is not null))
        {
            using var model = m.Create();
            Assert.Equal(m.PublishedParameters, ReferenceModel.Parameters(model));
        }
    }

    [Theory]
    [InlineData("mbv2")]
    [InlineData("v1")]
    public void Traced_graph_with_batchnorm_folded_computes_what_the_module_computes(string which)
    {
        nn.Module<Tensor, Tensor> model = which == "mbv2" ? new MobileNetV2(0.5)
            : new ShuffleNetV1Classifier(groups: 3);
        using var _ = no_grad();
        var rng = new Random(1);
        foreach (var (_, m) in model.named_modules())
            if (m is BatchNorm2d bn)
            {
                bn.running_mean!.copy_(randn(bn.running_mean.shape) * 0.1);
                bn.running_var!.copy_(rand(bn.running_var.shape) + 0.5);
                bn.weight!.copy_(rand(bn.weight.shape) + 0.5);
                bn.bias!.copy_(randn(bn.bias.shape) * 0.1);
            }
        model.eval();
        using var traced = new GraphNetwork(GraphTracer.Trace(model, which, 3, 224));
        using var x = randn(1, 3, 224, 224);
        using var expected = model.call(x);
        using var actual = traced.call(x);
        double scale = expected.abs().max().item<float>();
        Assert.True((expected - actual).abs().max().item<float>() < 1e-3 * scale + 1e-5);
        model.Dispose();
    }
}
