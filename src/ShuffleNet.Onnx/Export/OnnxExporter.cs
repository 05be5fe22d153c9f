using ShuffleNet.Checkpoints;

namespace ShuffleNet.Onnx.Export;

/// <summary>
/// Writes a ShuffleNet V2 state dict (mmpretrain keys) as an ONNX model: input <c>input</c> [N, 3, H, W]
/// float32 (normalised RGB), output <c>logits</c> [N, num_classes]. No onnx package: the protobuf is written here.
/// </summary>
public static class OnnxExporter
{
    /// <summary>Highest opset accepted; every operator used has the same semantics from 13 to here.</summary>
    public const int MaxOpset = 21;

    /// <summary>Metadata key under which class names are stored, newline-joined.</summary>
    public const string ClassesKey = "classes";

    /// <summary>Exports to <paramref name="outputPath"/>, atomically: a temporary file beside it, then a rename.</summary>
    /// <exception cref="OnnxExportException">Invalid state dict or options, or the folder cannot be written.</exception>
    public static void Export(StateDict sd, string outputPath, ExportOptions? options = null)
    {
        var bytes = ExportToBytes(sd, options);
        AtomicFile.Write(outputPath, stream => stream.Write(bytes), (message, inner) => new OnnxExportException(message, inner));
    }

    /// <summary>The serialised ONNX model, for <see cref="Runtime.OrtClassifier"/> without a file.</summary>
    /// <exception cref="OnnxExportException">Invalid state dict or options.</exception>
    public static byte[] ExportToBytes(StateDict sd, ExportOptions? options = null)
    {
        options ??= new ExportOptions();
        if (options.Opset < ExportOptions.DefaultOpset || options.Opset > MaxOpset)
            throw new OnnxExportException($"opset {options.Opset} is not supported; use {ExportOptions.DefaultOpset} to {MaxOpset}");
        if (options.Batch is <= 0)
            throw new OnnxExportException($"batch must be positive or dynamic (null), not {options.Batch}");
        if (options.ImageSize is { } size && (size < 32 || size % 32 != 0))
            throw new OnnxExportException($"image size {size} is not a positive multiple of 32 (ShuffleNet V2 downsamples 32x)");
        var (width, numClasses) = StateDictCheck.Validate(sd);
        if (options.Classes is { } classes && classes.Count != numClasses)
            throw new OnnxExportException($"{classes.Count} class names given for a head with {numClasses} classes");

        if (options.Classes?.FirstOrDefault(c => c.Contains('\n')) is { } bad)
            throw new OnnxExportException($"class name '{bad.ReplaceLineEndings(" ")}' contains a line break; names are stored newline-joined");

        var graph = new OnnxGraph();
        if (options.Mode == ExportMode.Naive) new NaiveGraphBuilder(sd, graph).Build(width, numClasses);
        else new OptimizedGraphBuilder(sd, graph).Build(width, numClasses);

        var metadata = new Dictionary<string, string>
        {
            ["architecture"] = $"ShuffleNetV2 {ShuffleNetV2Layout.Name(width)}",
            ["graph"] = options.Mode.ToString().ToLowerInvariant(),
        };
        if (options.Classes is { } names) metadata[ClassesKey] = string.Join('\n', names);
        long? hw = options.ImageSize;
        return OnnxModelWriter.Write(graph, options.Opset, "shufflenet_v2",
            new OnnxValue("input", (options.Batch, "N"), (3, null), (hw, "H"), (hw, "W")),
            new OnnxValue("logits", (options.Batch, "N"), (numClasses, null)), metadata);
    }
}
