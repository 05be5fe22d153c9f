using ShuffleNet.Checkpoints;
using ShuffleNet.Inference;
using ShuffleNet.Models;
using ShuffleNet.Onnx.Export;
using ShuffleNet.Onnx.Runtime;
using ShuffleNet.Platform;
using ShuffleNet.Serving;

namespace ShuffleNet.Cli.Commands;

/// <summary>A backend opened from a file.</summary>
internal sealed record OpenedModel(IInferenceBackend Backend) : IDisposable
{
    /// <summary>The input channels its preprocessing must produce: 1 (grayscale) or 3 (RGB).</summary>
    public int InChannels => Backend.ImageShape[0];

    public void Dispose() => Backend.Dispose();
}

/// <summary>
/// Builds the backends the commands can run on: TorchSharp, or ONNX Runtime on our export or on any ONNX file.
/// </summary>
internal static class Backends
{
    /// <summary>The help text of <c>--backend</c> where a verb runs one model.</summary>
    public const string Description = "torch (TorchSharp) or ort (ONNX Runtime; a .pth is exported on the fly). " +
                                      "Default: ort for an .onnx model, else torch.";

    /// <summary>The help text of <c>--threads</c> where a verb decodes with the loader while it infers.</summary>
    public const string ThreadsWithLoader = "Inference threads. Default: every core for ort; half of them for torch, " +
                                            "whose spinning threads must not share cores with the decoding workers.";

    /// <summary>
    /// Inference threads and loader workers for a verb that decodes while it infers (<c>predict</c>, <c>test</c>).
    /// ONNX Runtime's threads sleep when idle (spinning off), so both sides take every core. libtorch's OpenMP
    /// threads spin at every operator's barrier: on cores shared with the workers they wait out the workers' time
    /// slices, which made batched predict several times slower (benchmarks/predict/results.md); so torch gets half
    /// the cores (or <paramref name="threads"/>) and the workers the rest.
    /// </summary>
    public static (int Inference, int Workers) SplitCores(Backend backend, int? threads)
    {
        int cores = Environment.ProcessorCount;
        if (backend == Backend.Ort) return (threads ?? cores, cores);
        int inference = threads ?? Math.Max(1, cores / 2);
        return (inference, Math.Max(1, cores - inference));
    }

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
    /// Opens <paramref name="path"/> for inference: an <c>.onnx</c> file runs in ONNX Runtime; a checkpoint (read once)
    /// runs in TorchSharp (<c>torch</c>) or is exported in memory and runs in ONNX Runtime (<c>ort</c>); see
    /// <see cref="Choose"/>. Either way the stem, and so the input size, is the checkpoint's.
    /// </summary>
    public static OpenedModel Open(string path, Backend? chosen, Width? width, int threads, string device = "cpu")
    {
        var backend = Choose(chosen, path);
        var target = Devices.Parse(device);
        if (backend == Backend.Ort && target.type != TorchSharp.DeviceType.CPU)
            throw new ArgumentException($"--device {device}: the ONNX Runtime backend of this build runs on the CPU; " +
                "use --backend torch for CUDA");
        if (IsOnnx(path))
            return new OpenedModel(new OrtBackend(OrtClassifier.Open(path, new OrtOptions { Threads = threads })));
        var checkpoint = CheckpointFile.Load(path);
        if (backend == Backend.Torch)
        {
            var model = ShuffleNetV2Builder.FromCheckpoint(checkpoint, path, width);
            return new OpenedModel(Torch(model, model.Backbone.Stem.ImageSize, threads, target));
        }
        LayoutCheck.Validate(checkpoint.StateDict, path, width);
        return new OpenedModel(OrtExport(checkpoint, path, ExportOptions.StemImageSize, threads));
    }

    public static IInferenceBackend Torch(ImageClassifier model, int imageSize, int threads,
        TorchSharp.torch.Device? device = null)
    {
        TorchSharp.torch.set_num_threads(threads);
        return new TorchBackend(new TorchClassifier(model, imageSize, device));
    }

    /// <summary>
    /// Our export of <paramref name="checkpoint"/> in ONNX Runtime, at <paramref name="imageSize"/> (or the stem's own:
    /// <see cref="ExportOptions.StemImageSize"/>).
    /// </summary>
    public static IInferenceBackend OrtExport(Checkpoint checkpoint, string source, int imageSize, int threads,
        bool sharedPool = false) =>
        new OrtBackend(OrtClassifier.FromCheckpoint(checkpoint, source,
            new OrtOptions { Threads = threads, SharedThreadPool = sharedPool },
            new ExportOptions { ImageSize = imageSize }));

    public static IInferenceBackend OrtFile(string path, int imageSize, int threads, bool sharedPool = false) =>
        new OrtBackend(OrtClassifier.Open(path, new OrtOptions { Threads = threads, ImageSize = imageSize,
            SharedThreadPool = sharedPool }));

    private sealed class TorchBackend(TorchClassifier c) : IInferenceBackend
    {
        public int[] ImageShape => c.ImageShape;
        public int ImageSize => c.ImageSize;
        public int NumClasses => c.NumClasses;
        public IReadOnlyList<string>? Classes => c.Classes;
        public void Run(ReadOnlySpan<float> nchw, int batch, Span<float> logits) => c.Run(nchw, batch, logits);
        public void Dispose() => c.Dispose();
    }

    private sealed class OrtBackend(OrtClassifier c) : IInferenceBackend
    {
        public int[] ImageShape => c.ImageShape;
        public int ImageSize => c.ImageSize;
        public int NumClasses => c.NumClasses;
        public IReadOnlyList<string>? Classes => c.Classes;
        public void Run(ReadOnlySpan<float> nchw, int batch, Span<float> logits) => c.Run(nchw, batch, logits);
        public void Dispose() => c.Dispose();
    }
}
