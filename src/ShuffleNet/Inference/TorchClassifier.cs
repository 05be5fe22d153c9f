using System.Runtime.InteropServices;
using ShuffleNet.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace ShuffleNet.Inference;

/// <summary>
/// Eval-mode inference with TorchSharp on normalised <c>[N, C, H, W]</c> float32 batches, with the same call shape as
/// the ONNX Runtime classifier (<c>ShuffleNet.Onnx.Runtime.OrtClassifier</c>). The input tensor for each batch size is
/// allocated once and reused.
/// </summary>
public sealed class TorchClassifier : IDisposable
{
    private readonly ImageClassifier _model;
    private readonly Device _device;
    private readonly Dictionary<int, Tensor> _inputs = [];

    /// <summary>
    /// Wraps <paramref name="model"/> (put in eval mode) for inference on <paramref name="device"/> (default CPU).
    /// </summary>
    public TorchClassifier(ImageClassifier model, int imageSize = 224, Device? device = null)
    {
        _model = model;
        _device = device ?? CPU;
        _model.eval();
        if (_device.type != TorchSharp.DeviceType.CPU) _model.to(_device);
        ImageShape = [model.Backbone.Stem.InChannels, imageSize, imageSize];
    }

    /// <summary>Per-image input shape <c>[C, H, W]</c>.</summary>
    public int[] ImageShape { get; }

    /// <summary>Floats per image.</summary>
    public int ImageSize => ImageShape[0] * ImageShape[1] * ImageShape[2];

    /// <summary>Number of classes (logits per image).</summary>
    public int NumClasses => _model.NumClasses;

    /// <summary>Class names, when known.</summary>
    public IReadOnlyList<string>? Classes => _model.Classes;

    /// <summary>The model.</summary>
    public ImageClassifier Model => _model;

    /// <summary>
    /// Logits <c>[batch, NumClasses]</c> for <paramref name="nchw"/> (<c>batch x C x H x W</c> floats, normalised).
    /// </summary>
    /// <exception cref="ArgumentException">The input length is not <paramref name="batch"/> images of
    /// <see cref="ImageShape"/>.</exception>
    public float[] Run(ReadOnlySpan<float> nchw, int batch)
    {
        var logits = new float[batch * NumClasses];
        Run(nchw, batch, logits);
        return logits;
    }

    /// <summary>
    /// Writes logits <c>[batch, NumClasses]</c> for <paramref name="nchw"/> into <paramref name="logits"/>.
    /// </summary>
    public void Run(ReadOnlySpan<float> nchw, int batch, Span<float> logits)
    {
        if (batch < 1 || nchw.Length != batch * ImageSize)
            throw new ArgumentException($"input has {nchw.Length} floats; the model expects [N, " +
                $"{string.Join(", ", ImageShape)}] = N x {ImageSize} (N = {batch})");
        if (logits.Length != batch * NumClasses)
            throw new ArgumentException($"output span has {logits.Length} floats; expected {batch} x {NumClasses}");
        if (!_inputs.TryGetValue(batch, out var input))
            // cached across calls, so it must not belong to a caller's dispose scope (the evaluator opens one per
            // batch)
            _inputs[batch] = input = empty([batch, .. ImageShape.Select(d => (long)d)], ScalarType.Float32)
                .DetachFromDisposeScope();
        nchw.CopyTo(MemoryMarshal.Cast<byte, float>(input.bytes));
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var output = _model.call(_device.type == TorchSharp.DeviceType.CPU ? input : input.to(_device)).cpu()
            .contiguous();
        MemoryMarshal.Cast<byte, float>(output.bytes).CopyTo(logits);
    }

    /// <summary>Disposes the cached input tensors (not the model).</summary>
    public void Dispose()
    {
        foreach (var t in _inputs.Values) t.Dispose();
        _inputs.Clear();
    }
}
