using Microsoft.ML.OnnxRuntime;
using ShuffleNet.Checkpoints;
using ShuffleNet.Onnx.Export;

namespace ShuffleNet.Onnx.Runtime;

/// <summary>
/// A classifier ONNX model (input [N, C, H, W] float32, output [N, classes]) on ONNX Runtime's CPU provider,
/// graph optimisation level ALL. Input and output buffers are pinned and bound once per batch size, so
/// <see cref="Run(ReadOnlySpan{float}, int, Span{float})"/> allocates nothing. Not thread-safe: one caller at a time.
/// </summary>
public sealed class OrtClassifier : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly Dictionary<int, BatchBinding> _bindings = [];
    private readonly string _inputName, _outputName;

    private OrtClassifier(InferenceSession session, string source, OrtOptions options)
    {
        _session = session;
        if (session.InputMetadata.Count != 1 || session.OutputMetadata.Count != 1)
            throw new OnnxModelException($"'{source}' has {session.InputMetadata.Count} inputs and " +
                $"{session.OutputMetadata.Count} outputs; a classifier has one of each");
        var (inName, input) = session.InputMetadata.First();
        var (outName, output) = session.OutputMetadata.First();
        var d = input.Dimensions;
        if (d.Length != 4 || output.Dimensions.Length != 2 || output.Dimensions[1] <= 0)
            throw new OnnxModelException($"'{source}' maps [{string.Join(", ", d)}] to " +
                $"[{string.Join(", ", output.Dimensions)}]; expected [N, C, H, W] to [N, classes]");
        (_inputName, _outputName) = (inName, outName);
        FixedBatch = d[0] > 0 ? d[0] : null;
        if (d[1] <= 0)
            throw new OnnxModelException(
                $"'{source}' leaves the channels of its input [{string.Join(", ", d)}] open; a classifier fixes them");
        int size = options.ImageSize ?? StemOptions.ImageSizeFor(d[1]);
        ImageShape = [d[1], d[2] > 0 ? d[2] : size, d[3] > 0 ? d[3] : size];
        NumClasses = output.Dimensions[1];
        Classes = session.ModelMetadata.CustomMetadataMap.TryGetValue(OnnxExporter.ClassesKey, out var c)
            ? c.Split('\n') : null;
    }

    /// <summary>Opens an <c>.onnx</c> file.</summary>
    /// <exception cref="OnnxModelException">The file is missing or not an ONNX classifier.</exception>
    public static OrtClassifier Open(string path, OrtOptions? options = null)
    {
        if (!File.Exists(path)) throw new OnnxModelException($"ONNX model '{path}' does not exist");
        return Create(o => new InferenceSession(path, o), path, options ?? new OrtOptions());
    }

    /// <summary>
    /// Opens a model held in memory, e.g. from <see cref="OnnxExporter.ExportToBytes(StateDict, ExportOptions?)"/>.
    /// </summary>
    /// <exception cref="OnnxModelException">The bytes are not an ONNX classifier.</exception>
    public static OrtClassifier FromBytes(byte[] model, OrtOptions? options = null) =>
        Create(o => new InferenceSession(model, o), "<in-memory model>", options ?? new OrtOptions());

    /// <summary>
    /// A checkpoint in ONNX Runtime: exported in memory (<see cref="OnnxExporter.ExportToBytes(Checkpoint, string,
    /// ExportOptions?)"/>, with the checkpoint's stem and classes) and opened; <paramref name="source"/> is named in
    /// messages.
    /// </summary>
    /// <exception cref="OnnxExportException">The checkpoint cannot be exported (layout, unknown stem).</exception>
    public static OrtClassifier FromCheckpoint(Checkpoint checkpoint, string source, OrtOptions? options = null,
        ExportOptions? export = null) =>
        FromBytes(OnnxExporter.ExportToBytes(checkpoint, source, export), options);

    private static OrtClassifier Create(Func<SessionOptions, InferenceSession> open, string source, OrtOptions options)
    {
        using var so = options.ToSessionOptions();
        InferenceSession session;
        try { session = open(so); }
        catch (OnnxRuntimeException e)
        {
            throw new OnnxModelException($"'{source}' is not a loadable ONNX model: {e.Message}", e);
        }
        try { return new OrtClassifier(session, source, options); }
        catch { session.Dispose(); throw; }
    }

    /// <summary>Channels, height and width of one input image.</summary>
    public int[] ImageShape { get; }

    /// <summary>Floats per image: C x H x W (150,528 for 3 x 224 x 224).</summary>
    public int ImageSize => ImageShape[0] * ImageShape[1] * ImageShape[2];

    /// <summary>The batch size the model fixes, or null when dynamic.</summary>
    public int? FixedBatch { get; }

    /// <summary>Number of logits per image.</summary>
    public int NumClasses { get; }

    /// <summary>Class names from the model's <c>classes</c> metadata, or null.</summary>
    public IReadOnlyList<string>? Classes { get; }

    /// <summary>Logits [batch, classes] of <paramref name="nchw"/>, [batch, C, H, W] float32 normalised.</summary>
    public float[] Run(ReadOnlySpan<float> nchw, int batch)
    {
        var logits = new float[batch * NumClasses];
        Run(nchw, batch, logits);
        return logits;
    }

    /// <summary>
    /// Writes logits [batch, classes] of <paramref name="nchw"/> to <paramref name="logits"/>; no allocation after the
    /// first call per batch size.
    /// </summary>
    /// <exception cref="OnnxModelException">Input or output length does not match the batch and the model.</exception>
    public void Run(ReadOnlySpan<float> nchw, int batch, Span<float> logits)
    {
        if (batch <= 0 || (FixedBatch is { } fixedBatch && batch != fixedBatch))
            throw new OnnxModelException($"batch {batch} is not valid; the model expects " +
                $"{(FixedBatch is { } fb ? $"exactly {fb}" : "a positive batch")}");
        if (nchw.Length != batch * ImageSize)
            throw new OnnxModelException($"input has {nchw.Length} floats; the model expects [N, " +
                $"{string.Join(", ", ImageShape)}] = N x {ImageSize}, so {batch * ImageSize} for batch {batch}");
        if (logits.Length != batch * NumClasses)
            throw new OnnxModelException($"output span has {logits.Length} floats; batch {batch} needs " +
                $"{batch * NumClasses}");
        if (!_bindings.TryGetValue(batch, out var b)) _bindings[batch] = b = new BatchBinding(this, batch);
        nchw.CopyTo(b.Input);
        _session.RunWithBinding(_runOptions, b.Binding);
        b.Output.AsSpan().CopyTo(logits);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var b in _bindings.Values) b.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }

    // pinned arrays wrapped as OrtValues and bound once: ORT reads and writes them in place
    private sealed class BatchBinding : IDisposable
    {
        public readonly float[] Input, Output;
        public readonly OrtIoBinding Binding;
        private readonly OrtValue _in, _out;

        public BatchBinding(OrtClassifier c, int batch)
        {
            Input = GC.AllocateArray<float>(batch * c.ImageSize, pinned: true);
            Output = GC.AllocateArray<float>(batch * c.NumClasses, pinned: true);
            _in = OrtValue.CreateTensorValueFromMemory(Input, [batch, c.ImageShape[0], c.ImageShape[1],
                c.ImageShape[2]]);
            _out = OrtValue.CreateTensorValueFromMemory(Output, [batch, c.NumClasses]);
            Binding = c._session.CreateIoBinding();
            Binding.BindInput(c._inputName, _in);
            Binding.BindOutput(c._outputName, _out);
        }

        public void Dispose()
        {
            Binding.Dispose();
            _in.Dispose();
            _out.Dispose();
        }
    }
}
