namespace ShuffleNet.Experiments;

/// <summary>How G3's parallel fragments are merged (the paper's appendix figure leaves the join implicit).</summary>
public enum FragmentMerge
{
    /// <summary>
    /// k convs c→c/k on the same input, concatenated: the same FLOPs, weights and channels as 1-fragment, only split
    /// (default).
    /// </summary>
    Concat,
    /// <summary>
    /// k convs a→b on the same input, summed: fewer channels (a·b = c²/k) and k−1 extra element-wise adds.
    /// </summary>
    Sum,
}
