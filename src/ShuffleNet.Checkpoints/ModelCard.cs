namespace ShuffleNet.Checkpoints;

/// <summary>
/// Published facts about one architecture or checkpoint, kept as data so tests can hold the code to them.
/// </summary>
/// <param name="Name">mmpretrain-style name.</param>
/// <param name="Width">Width.</param>
/// <param name="Parameters">Exact parameter count with a 1000-class head.</param>
/// <param name="Flops">mmcv FLOPs at 224x224 (multiply-adds of conv, BN, ReLU, pooling; backbone and neck), as the
/// model card prints them.</param>
/// <param name="Top1">ImageNet-1k top-1 (%), when a checkpoint was published.</param>
/// <param name="Top5">ImageNet-1k top-5 (%), when a checkpoint was published.</param>
/// <param name="File">Released file name, when there is one.</param>
public sealed record ModelCard(string Name, Width Width, long Parameters, double? Flops, double? Top1, double? Top5,
    string? File)
{
    /// <summary>
    /// The four widths; 1.0x is mmpretrain's released ImageNet-1k checkpoint (configs/shufflenet_v2/README.md),
    /// whose accuracy and file come from its <see cref="ModelZoo.Known"/> entry.
    /// </summary>
    public static readonly IReadOnlyDictionary<Width, ModelCard> Known = new Dictionary<Width, ModelCard>
    {
        [Width.X0_5] = new("shufflenet-v2-0.5x", Width.X0_5, 1_366_792, null, null, null, null),
        [Width.X1_0] = Released("shufflenet-v2-1x_16xb64_in1k", Width.X1_0, 2_278_604, 0.149e9),
        [Width.X1_5] = new("shufflenet-v2-1.5x", Width.X1_5, 3_503_624, null, null, null, null),
        [Width.X2_0] = new("shufflenet-v2-2.0x", Width.X2_0, 7_393_996, null, null, null, null),
    };

    private static ModelCard Released(string name, Width width, long parameters, double flops)
    {
        var zoo = ModelZoo.Known.Single(e => e.Name == name);
        return new(name, width, parameters, flops, zoo.Top1, zoo.Top5, zoo.FileName);
    }
}
