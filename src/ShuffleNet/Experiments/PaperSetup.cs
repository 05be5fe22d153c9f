namespace ShuffleNet.Experiments;

/// <summary>
/// Which of the paper's two channel columns the networks use: the GPU widths (larger) or the ARM/CPU widths.
/// </summary>
public enum PaperSetup
{
    /// <summary>The GPU columns (G1: c1 = 128, 256, 512 at 1:1).</summary>
    Gpu,
    /// <summary>The ARM/CPU columns (G1: c1 = 32, 64, 128 at 1:1).</summary>
    Arm,
}
