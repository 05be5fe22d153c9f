using ShuffleNet.Checkpoints;

namespace ShuffleNet.Onnx.Export;

/// <summary>
/// Writes a ShuffleNet V2 checkpoint (mmpretrain keys) as an ONNX model: input <c>input</c> [N, C, H, W] float32
/// (normalised; C and the stem as the checkpoint was trained, <see cref="StemOptions"/>), output <c>logits</c>
/// [N, num_classes]. No onnx package: the protobuf is written here.
/// </summary>
public static class OnnxExporter
{
    /// <summary>Highest opset accepted; every operator used has the same semantics from 13 to here.</summary>
    public const int MaxOpset = 21;

    /// <summary>Metadata key under which class names are stored, newline-joined.</summary>
    public const string ClassesKey = "classes";

    /// <summary>
    /// Exports <paramref name="checkpoint"/> (read from <paramref name="source"/>, named in messages) to
    /// <paramref name="outputPath"/>, atomically: a temporary file beside it, then a rename. The stem and, unless
    /// <paramref name="options"/> names others, the class names come from the checkpoint. The output must be a new or
    /// regular file and not <paramref name="source"/> by any name (checked before the export starts).
    /// </summary>
    /// <exception cref="OnnxExportException">Invalid checkpoint or options, or the output cannot or must not be
    /// written.</exception>
    public static void Export(Checkpoint checkpoint, string source, string outputPath, ExportOptions? options = null)
    {
        AtomicFile.CheckTarget(outputPath, [source], Error);
        Write(ExportToBytes(checkpoint, source, options), outputPath, [source]);
    }

    /// <summary>
    /// Exports a bare state dict (see <see cref="ExportOptions.Stem"/>) to <paramref name="outputPath"/>.
    /// </summary>
    /// <exception cref="OnnxExportException">Invalid state dict or options, or the output cannot or must not be
    /// written.</exception>
    public static void Export(StateDict sd, string outputPath, ExportOptions? options = null)
    {
        AtomicFile.CheckTarget(outputPath, error: Error);
        Write(ExportToBytes(sd, options), outputPath, []);
    }

    /// <summary>
    /// The serialised ONNX model of <paramref name="checkpoint"/>, for <see cref="Runtime.OrtClassifier"/> without a
    /// file: the one way from a checkpoint to ONNX (the export command and ONNX Runtime inference both take it).
    /// </summary>
    /// <exception cref="OnnxExportException">Invalid checkpoint (layout, unknown stem) or options.</exception>
    public static byte[] ExportToBytes(Checkpoint checkpoint, string source, ExportOptions? options = null)
    {
        options ??= new ExportOptions();
        return Build(checkpoint.StateDict, options with { Classes = options.Classes ?? checkpoint.Classes },
            () => StemOptions.FromCheckpoint(checkpoint, source));
    }

    /// <summary>The serialised ONNX model of a bare state dict (see <see cref="ExportOptions.Stem"/>).</summary>
    /// <exception cref="OnnxExportException">Invalid state dict or options.</exception>
    public static byte[] ExportToBytes(StateDict sd, ExportOptions? options = null) =>
        Build(sd, options ?? new ExportOptions(), () => ShuffleNetV2Layout.InferInChannels(sd) == 1
            ? throw new OnnxExportException("the state dict takes 1-channel images, and a bare state dict does not " +
                                            "say its stem's stride and max-pool: give ExportOptions.Stem, or export " +
                                            "the Checkpoint with its meta.stem")
            : StemOptions.FromCheckpoint(Checkpoint.FromStateDict(sd), "state dict"));

    /// <summary>
    /// The width and class count of <paramref name="sd"/>, a classifier of <paramref name="inChannels"/>-channel
    /// images, checked by <see cref="LayoutCheck"/>; an <see cref="OnnxExportException"/> names the first problem.
    /// </summary>
    internal static (Width Width, int NumClasses) ValidateLayout(StateDict sd, int inChannels)
    {
        if (TorchvisionKeyMap.IsTorchvision(sd.Keys))
            throw new OnnxExportException("the state dict has torchvision keys ('stage2.…'); " +
                                          "rename them with TorchvisionKeyMap.ToMmcls before exporting");
        (Width Width, int? NumClasses) layout;
        try { layout = LayoutCheck.Validate(sd, "state dict", inChannels: inChannels); }
        catch (CheckpointException e) { throw new OnnxExportException(e.Message, e); }
        return layout.NumClasses is { } numClasses ? (layout.Width, numClasses) : throw new OnnxExportException(
            $"the ShuffleNet V2 {ShuffleNetV2Layout.Name(layout.Width)} state dict has no classifier head " +
            "('head.fc.weight'); a headless backbone cannot be exported as a classifier");
    }

    private static byte[] Build(StateDict sd, ExportOptions options, Func<StemOptions> recordedStem)
    {
        if (options.Opset < ExportOptions.DefaultOpset || options.Opset > MaxOpset)
            throw new OnnxExportException($"opset {options.Opset} is not supported; use {ExportOptions.DefaultOpset} " +
                $"to {MaxOpset}");
        if (options.Batch is <= 0)
            throw new OnnxExportException($"batch must be positive or dynamic (null), not {options.Batch}");
        if (options.ImageSize is < 0)
            throw new OnnxExportException($"image size {options.ImageSize} is not positive");
        // the layout first: a file that is not ShuffleNet V2 at all should say so, not that its stem is unknown
        int inChannels = options.Stem?.InChannels ?? ShuffleNetV2Layout.InferInChannels(sd) ?? 3;
        var (width, numClasses) = ValidateLayout(sd, inChannels);
        StemOptions stem;
        try { stem = options.Stem ?? recordedStem(); }
        catch (CheckpointException e) { throw new OnnxExportException(e.Message, e); }
        if (options.Classes is { } classes && classes.Count != numClasses)
            throw new OnnxExportException($"{classes.Count} class names given for a head with {numClasses} classes");

        if (options.Classes?.FirstOrDefault(c => c.Contains('\n')) is { } bad)
            throw new OnnxExportException($"class name '{bad.ReplaceLineEndings(" ")}' contains a line break; names " +
                "are stored newline-joined");

        var graph = new OnnxGraph();
        if (options.Mode == ExportMode.Naive) new NaiveGraphBuilder(sd, graph).Build(width, numClasses, stem);
        else new OptimizedGraphBuilder(sd, graph).Build(width, numClasses, stem);

        var metadata = new Dictionary<string, string>
        {
            ["architecture"] = $"ShuffleNetV2 {ShuffleNetV2Layout.Name(width)}",
            ["graph"] = options.Mode.ToString().ToLowerInvariant(),
            [StemKey] = StemText(stem),
        };
        if (options.Classes is { } names) metadata[ClassesKey] = string.Join('\n', names);
        long? hw = options.ImageSize == ExportOptions.StemImageSize ? stem.ImageSize : options.ImageSize;
        return OnnxModelWriter.Write(graph, options.Opset, "shufflenet_v2",
            new OnnxValue("input", (options.Batch, "N"), (stem.InChannels, null), (hw, "H"), (hw, "W")),
            new OnnxValue("logits", (options.Batch, "N"), (numClasses, null)), metadata);
    }

    /// <summary>Metadata key under which the stem is recorded (<see cref="StemText"/>).</summary>
    internal const string StemKey = "stem";

    internal static string StemText(StemOptions stem) =>
        $"in_channels={stem.InChannels} stride={stem.Stride} max_pool={(stem.MaxPool ? "true" : "false")}";

    private static void Write(byte[] bytes, string outputPath, IEnumerable<string> inputs) =>
        AtomicFile.Write(outputPath, stream => stream.Write(bytes), Error, inputs);

    private static OnnxExportException Error(string message, Exception? inner) => new(message, inner);
}
