using ShuffleNet.Checkpoints;
using ShuffleNet.Models;
using static TorchSharp.torch;

namespace ShuffleNet.Analysis;

/// <summary>An architecture <c>shufflenet compare</c> measures, with the figures its authors published.</summary>
/// <param name="Family">ShuffleNet V2, MobileNet V2 or ShuffleNet V1.</param>
/// <param name="Name">Width label, e.g. <c>1.0x</c> or <c>1.0x g=3</c>.</param>
/// <param name="PaperMFlops">Published conv+fc multiply-adds at 224x224, in millions.</param>
/// <param name="PublishedParameters">Published exact parameter count, or null where only a rounded figure exists.</param>
/// <param name="Source">Where the published figures come from.</param>
/// <param name="Create">Builds the classifier (1000 classes, eval mode), input <c>[N, 3, 224, 224]</c>.</param>
/// <param name="V2Width">For ShuffleNet V2: its width, whose FLOPs <see cref="ModelComplexity"/> counts.</param>
public sealed record ReferenceModel(string Family, string Name, double PaperMFlops, long? PublishedParameters, string Source,
    Func<nn.Module<Tensor, Tensor>> Create, Width? V2Width = null)
{
    /// <summary>Conv+fc multiply-adds of <paramref name="model"/> at 224x224, counted from its layers.</summary>
    public long ConvFcMacs(nn.Module<Tensor, Tensor> model) =>
        V2Width is { } w ? ModelComplexity.Of(w).ConvFcMacs : GraphTracer.Trace(model, $"{Family} {Name}", 3, 224).ConvFcMacs;

    /// <summary>Learnable parameters of <paramref name="model"/>.</summary>
    public static long Parameters(nn.Module model) => model.parameters().Sum(p => p.numel());
}

/// <summary>The architectures of the paper's comparison (its Fig. 1 and Table 8) that this library builds.</summary>
public static class ReferenceModels
{
    /// <summary>ShuffleNet V2 at four widths, MobileNet V2 at 0.5/0.75/1.0, ShuffleNet V1 1.0x with 3 groups.</summary>
    public static readonly IReadOnlyList<ReferenceModel> All =
    [
        V2(Width.X0_5, 41), V2(Width.X1_0, 146), V2(Width.X1_5, 299), V2(Width.X2_0, 591),
        // MobileNetV2 paper Table 4 and its released model table (0.5 and 0.75 at 224); torchvision's model card for the count
        new("MobileNet V2", "0.5", 97, null, "Sandler et al. 2018, released-model table", () => Eval(new MobileNetV2(0.5))),
        new("MobileNet V2", "0.75", 209, null, "Sandler et al. 2018, released-model table", () => Eval(new MobileNetV2(0.75))),
        new("MobileNet V2", "1.0", 300, 3_504_872, "Sandler et al. 2018 Table 4; torchvision mobilenet_v2 (3,504,872)", () => Eval(new MobileNetV2(1.0))),
        // ShuffleNet V1 paper Table 2 (140 MFLOPs); mmpretrain's model card rounds the count to 1.87M, derived exactly in the tests
        new("ShuffleNet V1", "1.0x g=3", 140, 1_865_728, "Zhang et al. 2018 Table 2; mmpretrain shufflenet-v1 card (1.87M)",
            () => Eval(new ShuffleNetV1Classifier(groups: 3))),
    ];

    private static ReferenceModel V2(Width w, double mflops) =>
        new("ShuffleNet V2", ShuffleNetV2Layout.Name(w), mflops, ModelCard.Known[w].Parameters, "Ma et al. 2018 Table 5; torchvision",
            () => Eval(ShuffleNetV2Builder.Create(w)), w);

    private static nn.Module<Tensor, Tensor> Eval(nn.Module<Tensor, Tensor> m)
    {
        m.eval();
        return m;
    }
}
