namespace ShuffleNet.Experiments;

/// <summary>One measured setting next to the paper's figures for the same row and width column.</summary>
/// <param name="Guideline">Which experiment.</param>
/// <param name="Setting">The paper's row label.</param>
/// <param name="Width">×1, ×2 or ×4.</param>
/// <param name="Channels">Channel counts used here.</param>
/// <param name="Macs">Conv multiply-adds per image.</param>
/// <param name="MedianMs">Median milliseconds per call here (the ratios use it).</param>
/// <param name="MinMs">Fastest call here: the least disturbed by other processes on a shared machine.</param>
/// <param name="ImagesPerSecond">Images per second here (batch / median).</param>
/// <param name="Ratio">Speed relative to the group's first setting at the same width, here.</param>
/// <param name="PaperGpu">The paper's GPU figure (batches/s at batch 8).</param>
/// <param name="PaperGpuRatio">The same ratio on the paper's GPU.</param>
/// <param name="PaperArm">The paper's ARM figure (images/s at batch 1).</param>
/// <param name="PaperArmRatio">The same ratio on the paper's ARM.</param>
public sealed record GuidelineRow(Guideline Guideline, string Setting, string Width, string Channels, long Macs,
    double MedianMs, double MinMs,
    double ImagesPerSecond, double Ratio, double PaperGpu, double PaperGpuRatio, double PaperArm, double PaperArmRatio);
