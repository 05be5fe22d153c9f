namespace ShuffleNet.Experiments;

/// <summary>One of the paper's Tables 1-4.</summary>
/// <param name="Guideline">Which guideline.</param>
/// <param name="Table">Table number in the paper.</param>
/// <param name="GpuChannels">The width columns of the GPU half: c (c1 at 1:1 for G1) for ×1, ×2, ×4.</param>
/// <param name="ArmChannels">The width columns of the ARM half (the paper uses smaller networks there).</param>
/// <param name="Rows">Settings in the paper's order; the first is the baseline of the ratios.</param>
public sealed record PaperTable(Guideline Guideline, int Table, int[] GpuChannels, int[] ArmChannels,
    IReadOnlyList<PaperRow> Rows);
