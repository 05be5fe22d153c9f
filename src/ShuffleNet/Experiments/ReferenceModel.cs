using ShuffleNet.Analysis;
using ShuffleNet.Checkpoints;
using static TorchSharp.torch;

namespace ShuffleNet.Experiments;

/// <summary>An architecture <c>shufflenet compare</c> measures, with the figures its authors published.</summary>
/// <param name="Family">ShuffleNet V2, MobileNet V2 or ShuffleNet V1.</param>
/// <param name="Name">Width label, e.g. <c>1.0x</c> or <c>1.0x g=3</c>.</param>
/// <param name="PaperMFlops">Published conv+fc multiply-adds at 224x224, in millions.</param>
/// <param name="PublishedParameters">Published exact parameter count, or null where only a rounded figure
/// exists.</param>
/// <param name="Source">Where the published figures come from.</param>
/// <param name="Create">Builds the classifier (1000 classes, eval mode), input <c>[N, 3, 224, 224]</c>.</param>
/// <param name="V2Width">For ShuffleNet V2: its width, whose FLOPs <see cref="ModelComplexity"/> counts.</param>
public sealed record ReferenceModel(string Family, string Name, double PaperMFlops, long? PublishedParameters,
    string Source,
    Func<nn.Module<Tensor, Tensor>> Create, Width? V2Width = null)
{
    /// <summary>Conv+fc multiply-adds of <paramref name="model"/> at 224x224, counted from its layers.</summary>
    public long ConvFcMacs(nn.Module<Tensor, Tensor> model) =>
        V2Width is { } w ? ModelComplexity.Of(w).ConvFcMacs : GraphTracer.Trace(model, $"{Family} {Name}", 3, 224)
            .ConvFcMacs;

    /// <summary>Learnable parameters of <paramref name="model"/>.</summary>
    public static long Parameters(nn.Module model) => model.parameters().Sum(p => p.numel());
}
