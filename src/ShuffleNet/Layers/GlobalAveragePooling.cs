using static TorchSharp.torch;

namespace ShuffleNet.Layers;

/// <summary>
/// mmpretrain's <c>GlobalAveragePooling</c> neck: each feature map <c>[N, C, H, W]</c> becomes <c>[N, C]</c>.
/// Stateless.
/// </summary>
public sealed class GlobalAveragePooling : nn.Module<Tensor[], Tensor[]>
{
    /// <summary>Creates the neck.</summary>
    public GlobalAveragePooling() : base(nameof(GlobalAveragePooling)) { }

    /// <inheritdoc />
    public override Tensor[] forward(Tensor[] inputs) =>
        inputs.Select(x => x.mean([2L, 3L])).ToArray();
}
