namespace ShuffleNet.Experiments;

/// <summary>One setting of a guideline table: the paper's speeds at its three widths on each platform.</summary>
/// <param name="Setting">Row label as the paper prints it (<c>1:2</c>, <c>g=4</c>, <c>2-fragment-series</c>, <c>ReLU
/// yes, shortcut no</c>).</param>
/// <param name="Gpu">GTX 1080Ti, batch 8, CUDNN 7.0: batches per second (the paper's "Batches/sec."), at the three GPU
/// widths.</param>
/// <param name="Arm">Snapdragon 810, one thread, batch 1: images per second, at the three ARM widths.</param>
public sealed record PaperRow(string Setting, double[] Gpu, double[] Arm);
