namespace ShuffleNet.Experiments;

/// <summary>One network of a guideline experiment.</summary>
/// <param name="Guideline">Which experiment.</param>
/// <param name="Setting">The paper's row label.</param>
/// <param name="WidthIndex">0, 1, 2: the ×1, ×2, ×4 column.</param>
/// <param name="Channels">The channel counts used, e.g. <c>91→180</c>.</param>
/// <param name="Graph">The network: 10 blocks on a 56x56 input, then global average pooling (both backends run it; it
/// is &lt;1% of the work).</param>
public sealed record GuidelineCase(Guideline Guideline, string Setting, int WidthIndex, string Channels,
    NetGraph Graph);
