using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ShuffleNet.Layers;

/// <summary>
/// mmpretrain's <c>LinearClsHead</c>: one linear layer <c>fc</c> on the last feature, <c>[N, C] → [N, NumClasses]</c>
/// logits. Initialised as mmpretrain does: weight ~ N(0, 0.01), bias 0.
/// </summary>
public sealed class LinearClsHead : nn.Module<Tensor[], Tensor>
{
    private readonly Linear fc;

    /// <summary>
    /// Creates a head from <paramref name="inChannels"/> features to <paramref name="numClasses"/> logits.
    /// </summary>
    public LinearClsHead(int numClasses, long inChannels) : base(nameof(LinearClsHead))
    {
        if (numClasses < 1) throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses,
            "num_classes must be at least 1");
        NumClasses = numClasses;
        fc = nn.Linear(inChannels, numClasses);
        using (no_grad())
        {
            nn.init.normal_(fc.weight, 0, 0.01);
            nn.init.zeros_(fc.bias);
        }
        RegisterComponents();
    }

    /// <summary>Number of classes.</summary>
    public int NumClasses { get; }

    /// <summary>The linear layer.</summary>
    public Linear Fc => fc;

    /// <inheritdoc />
    public override Tensor forward(Tensor[] features) => fc.call(features[^1]);
}
