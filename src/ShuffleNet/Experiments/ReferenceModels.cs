using ShuffleNet.Checkpoints;
using ShuffleNet.Models;
using static TorchSharp.torch;

namespace ShuffleNet.Experiments;

/// <summary>The architectures of the paper's comparison (its Fig. 1 and Table 8) that this library builds.</summary>
public static class ReferenceModels
{
    /// <summary>ShuffleNet V2 at four widths, MobileNet V2 at 0.5/0.75/1.0, ShuffleNet V1 1.0x with 3 groups.</summary>
    public static readonly IReadOnlyList<ReferenceModel> All =
    [
        V2(Width.X0_5, 41), V2(Width.X1_0, 146), V2(Width.X1_5, 299), V2(Width.X2_0, 591),
        // MobileNetV2 paper Table 4 and its released model table (0.5 and 0.75 at 224); torchvision's model card for
        // the count
        new("MobileNet V2", "0.5", 97, null, "Sandler et al. 2018, released-model table",
            () => Eval(new MobileNetV2(0.5))),
        new("MobileNet V2", "0.75", 209, null, "Sandler et al. 2018, released-model table",
            () => Eval(new MobileNetV2(0.75))),
        new("MobileNet V2", "1.0", 300, 3_504_872, "Sandler et al. 2018 Table 4; torchvision mobilenet_v2 (3,504,872)",
            () => Eval(new MobileNetV2(1.0))),
        // ShuffleNet V1 paper Table 2 (140 MFLOPs); mmpretrain's model card rounds the count to 1.87M, derived exactly
        // in the tests
        new("ShuffleNet V1", "1.0x g=3", 140, 1_865_728, "Zhang et al. 2018 Table 2; mmpretrain shufflenet-v1 card " +
            "(1.87M)",
            () => Eval(new ShuffleNetV1Classifier(groups: 3))),
    ];

    private static ReferenceModel V2(Width w, double mflops) =>
        new("ShuffleNet V2", ShuffleNetV2Layout.Name(w), mflops, ModelCard.Known[w].Parameters,
            "Ma et al. 2018 Table 5; torchvision",
            () => Eval(ShuffleNetV2Builder.Create(w)), w);

    private static nn.Module<Tensor, Tensor> Eval(nn.Module<Tensor, Tensor> m)
    {
        m.eval();
        return m;
    }
}
