using ShuffleNet.Checkpoints;
using ShuffleNet.Inference;
using ShuffleNet.Models;
using ShuffleNet.Onnx.Export;
using ShuffleNet.Onnx.Runtime;
using ShuffleNet.Platform;
using ShuffleNet.Serving;

namespace ShuffleNet.Cli.Commands;

/// <summary>A backend opened from a file, with the input channels its preprocessing must produce.</summary>
internal sealed record OpenedModel(IInferenceBackend Backend, int InChannels) : IDisposable
{
    public void Dispose() => Backend.Dispose();
}

/// <summary>Builds the backends the commands can run on: TorchSharp, or ONNX Runtime on our export or on any ONNX file.</summary>
internal static class Backends
{
    /// <summary>The help text of <c>--backend</c> where a verb runs one model.</summary>
    public const string Description = "torch (TorchSharp) or ort (ONNX Runtime; a .pth is exported on the fly). " +
                                      "Default: ort for an .onnx model, else torch.";

    /// <summary>
    /// The backend for <paramref name="path"/>: the one chosen, else ONNX Runtime for an <c>.onnx</c> model and
    /// TorchSharp for a checkpoint.
    /// </summary>
    public static Backend Choose(Backend? chosen, string path)
    {
        bool onnx = IsOnnx(path);
        if (chosen == Backend.Torch && onnx)
            throw new ArgumentException(
                $"'{path}' is an ONNX model, which runs in ONNX Runtime; leave --backend out or use --backend ort");
        return chosen ?? (onnx ? Backend.Ort : Backend.Torch);
    }

    /// <summary>Whether <paramref name="path"/> names an ONNX model rather than a checkpoint.</summary>
    public static bool IsOnnx(string path) => path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Opens <paramref name="path"/> for inference: an <c>.onnx</c> file runs in ONNX Runtime; a checkpoint runs in TorchSharp
    /// (<c>torch</c>) or is exported on the fly and runs in ONNX Runtime (<c>ort</c>); see <see cref="Choose"/>.
    /// </summary>
    public static OpenedModel Open(string path, Backend? chosen, Width? width, int threads, string device = "cpu")
    {
        var backend = Choose(chosen, path);
        var target = Devices.Parse(device);
        if (backend == Backend.Ort && target.type != TorchSharp.DeviceType.CPU)
            throw new ArgumentException($"--device {device}: the ONNX Runtime backend of this build runs on the CPU; use --backend torch for CUDA");
        if (IsOnnx(path))
        {
            var ort = OrtClassifier.Open(path, new OrtOptions { Threads = threads });
            return new OpenedModel(new OrtBackend(ort), ort.ImageShape[0]);
        }
        var model = ShuffleNetV2Builder.FromCheckpoint(path, width);
        int channels = model.Backbone.Stem.InChannels, size = channels == 1 ? 28 : 224;
        if (backend == Backend.Torch) return new OpenedModel(Torch(model, size, threads, target), channels);
        if (channels != 3) throw new ArgumentException($"checkpoint '{path}' has a {channels}-channel stem; the ONNX export covers the ImageNet stem only: use --backend torch");
        var backendOrt = OrtExport(Weights.ToStateDict(model), model.Classes, size, threads);
        model.Dispose();
        return new OpenedModel(backendOrt, channels);
    }

    public static IInferenceBackend Torch(ImageClassifier model, int imageSize, int threads, TorchSharp.torch.Device? device = null)
    {
        TorchSharp.torch.set_num_threads(threads);
        return new TorchBackend(new TorchClassifier(model, imageSize, device));
    }

    public static IInferenceBackend OrtExport(StateDict stateDict, IReadOnlyList<string>? classes, int imageSize, int threads, bool sharedPool = false) =>
        new OrtBackend(OrtClassifier.FromBytes(
            OnnxExporter.ExportToBytes(stateDict, new ExportOptions { ImageSize = imageSize, Classes = classes }),
            new OrtOptions { Threads = threads, ImageSize = imageSize, SharedThreadPool = sharedPool }));

    public static IInferenceBackend OrtFile(string path, int imageSize, int threads, bool sharedPool = false) =>
        new OrtBackend(OrtClassifier.Open(path, new OrtOptions { Threads = threads, ImageSize = imageSize, SharedThreadPool = sharedPool }));

    private sealed class TorchBackend(TorchClassifier c) : IInferenceBackend
    {
        public int ImageSize => c.ImageSize;
        public int NumClasses => c.NumClasses;
        public IReadOnlyList<string>? Classes => c.Classes;
        public void Run(ReadOnlySpan<float> nchw, int batch, Span<float> logits) => c.Run(nchw, batch, logits);
        public void Dispose() => c.Dispose();
    }

    private sealed class OrtBackend(OrtClassifier c) : IInferenceBackend
    {
        public int ImageSize => c.ImageSize;
        public int NumClasses => c.NumClasses;
        public IReadOnlyList<string>? Classes => c.Classes;
        public void Run(ReadOnlySpan<float> nchw, int batch, Span<float> logits) => c.Run(nchw, batch, logits);
        public void Dispose() => c.Dispose();
    }
}
