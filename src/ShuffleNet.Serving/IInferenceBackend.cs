namespace ShuffleNet.Serving;

/// <summary>
/// One inference engine behind the call shape both classifiers share (<c>ShuffleNet.Onnx.Runtime.OrtClassifier</c> and
/// <c>ShuffleNet.Inference.TorchClassifier</c>): normalised <c>[N, C, H, W]</c> float32 in, logits <c>[N, classes]</c>
/// out. The service calls it from one thread at a time.
/// </summary>
public interface IInferenceBackend : IDisposable
{
    /// <summary>Channels, height and width of one input image.</summary>
    int[] ImageShape { get; }

    /// <summary>Floats per image: C x H x W.</summary>
    int ImageSize { get; }

    /// <summary>Logits per image.</summary>
    int NumClasses { get; }

    /// <summary>Class names the model carries, or null.</summary>
    IReadOnlyList<string>? Classes { get; }

    /// <summary>
    /// Writes logits <c>[batch, NumClasses]</c> of <paramref name="nchw"/> into <paramref name="logits"/>.
    /// </summary>
    void Run(ReadOnlySpan<float> nchw, int batch, Span<float> logits);
}
