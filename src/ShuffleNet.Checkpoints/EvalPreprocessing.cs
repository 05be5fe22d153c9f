namespace ShuffleNet.Checkpoints;

/// <summary>
/// How a checkpoint's publisher evaluates it on ImageNet: resize the short side to <paramref name="Resize"/> (Pillow
/// bilinear, antialiased), centre-crop <paramref name="Crop"/>, normalise. mmpretrain's test pipeline and torchvision's
/// <c>ImageClassification</c> transform are the same steps; only the numbers differ between checkpoints.
/// </summary>
/// <param name="Resize">The short side after resizing, in pixels.</param>
/// <param name="Crop">The side of the centre crop the model sees.</param>
public sealed record EvalPreprocessing(int Resize, int Crop)
{
    /// <summary>mmpretrain's <c>ResizeEdge(256)</c> + <c>CenterCrop(224)</c>, and torchvision's default.</summary>
    public static EvalPreprocessing ImageNet { get; } = new(256, 224);

    /// <summary>torchvision's weights of its "new training recipe" (<c>ImageClassification(crop_size=224,
    /// resize_size=232)</c>, e.g. <c>ShuffleNet_V2_X1_5_Weights.IMAGENET1K_V1</c>).</summary>
    public static EvalPreprocessing TorchvisionNewRecipe { get; } = new(232, 224);

    /// <inheritdoc />
    public override string ToString() => $"resize {Resize}, crop {Crop}";
}
