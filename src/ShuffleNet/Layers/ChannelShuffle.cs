using static TorchSharp.torch;

namespace ShuffleNet.Layers;

/// <summary>
/// Channel shuffle (ShuffleNet, Zhang et al. 2018): <c>[N, g·c, H, W] → view [N, g, c, H, W] → transpose(1, 2) → [N,
/// c·g, H, W]</c>, so each group's output mixes channels of every input group. Stateless.
/// </summary>
public sealed class ChannelShuffle : nn.Module<Tensor, Tensor>
{
    private readonly long _groups;

    /// <summary>Creates a shuffle over <paramref name="groups"/> groups (ShuffleNet V2 uses 2).</summary>
    public ChannelShuffle(long groups = 2) : base(nameof(ChannelShuffle))
    {
        if (groups < 1) throw new ArgumentOutOfRangeException(nameof(groups), groups, "groups must be positive");
        _groups = groups;
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        long n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        if (c % _groups != 0) throw new ArgumentException($"{c} channels cannot be shuffled in {_groups} groups");
        return x.view(n, _groups, c / _groups, h, w).transpose(1, 2).contiguous().view(n, c, h, w);
    }
}
