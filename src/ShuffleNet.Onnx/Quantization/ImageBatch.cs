namespace ShuffleNet.Onnx.Quantization;

/// <summary>
/// One batch of images, [Count, C, H, W] float32 preprocessed as the model expects, with their labels where known.
/// </summary>
/// <param name="Images">Count x C x H x W floats.</param>
/// <param name="Count">Images in the batch.</param>
/// <param name="Labels">Class index of each image, or null.</param>
public sealed record ImageBatch(float[] Images, int Count, int[]? Labels = null);
