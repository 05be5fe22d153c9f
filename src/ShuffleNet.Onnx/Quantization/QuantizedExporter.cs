using ShuffleNet.Checkpoints;
using ShuffleNet.Onnx.Export;

namespace ShuffleNet.Onnx.Quantization;

/// <summary>
/// A float32 model of the quantized graph's structure whose extra outputs are the values to calibrate.
/// </summary>
/// <param name="Model">The serialised ONNX model: input <c>input</c>, outputs <c>logits</c> and the calibration
/// values.</param>
/// <param name="Outputs">Each extra output's name and the quantization point whose range it feeds (several outputs may
/// share one).</param>
public sealed record CalibrationGraph(byte[] Model, IReadOnlyDictionary<string, string> Outputs);

/// <summary>
/// Writes a ShuffleNet V2 state dict (mmpretrain keys) as an int8 QDQ ONNX model: input <c>input</c> [N, C, H, W]
/// float32 as the float export takes it, output <c>logits</c> float32. Two steps: <see cref="CalibrationModel"/>, run
/// through <see cref="Calibrator"/> on sample images, gives the activation ranges <see cref="Export"/> needs.
/// </summary>
public static class QuantizedExporter
{
    /// <summary>The float32 calibration model for <paramref name="sd"/>.</summary>
    /// <exception cref="OnnxExportException">Invalid state dict or options.</exception>
    public static CalibrationGraph CalibrationModel(StateDict sd, QuantizeOptions? options = null)
    {
        options ??= new QuantizeOptions();
        var (bytes, writer) = Write(sd, options, ranges: null);
        return new CalibrationGraph(bytes, writer.CalibrationOutputs);
    }

    /// <summary>
    /// The serialised QDQ model, quantized with <paramref name="ranges"/> (from <see cref="Calibrator"/>).
    /// </summary>
    /// <exception cref="OnnxExportException">Invalid state dict or options, or a quantization point without a
    /// range.</exception>
    public static byte[] ExportToBytes(StateDict sd, IReadOnlyDictionary<string, ActivationRange> ranges,
        QuantizeOptions? options = null) =>
        Write(sd, options ?? new QuantizeOptions(), ranges).Bytes;

    /// <summary>
    /// Writes the QDQ model to <paramref name="outputPath"/> atomically (a temporary file, then a rename).
    /// </summary>
    /// <exception cref="OnnxExportException">As <see cref="ExportToBytes"/>, or the folder cannot be
    /// written.</exception>
    public static void Export(StateDict sd, IReadOnlyDictionary<string, ActivationRange> ranges, string outputPath,
        QuantizeOptions? options = null)
    {
        var bytes = ExportToBytes(sd, ranges, options);
        AtomicFile.Write(outputPath, stream => stream.Write(bytes), (message, inner) => new OnnxExportException(message,
            inner));
    }

    private static (byte[] Bytes, QdqWriter Writer) Write(StateDict sd, QuantizeOptions o,
        IReadOnlyDictionary<string, ActivationRange>? ranges)
    {
        if (o.Batch is <= 0) throw new OnnxExportException($"batch must be positive or dynamic (null), not {o.Batch}");
        if (o.ImageSize is < 0) throw new OnnxExportException($"image size must be positive or dynamic (null), not " +
            $"{o.ImageSize}");
        if (o.Percentile is <= 50 or > 100) throw new OnnxExportException($"percentile must be in (50, 100], not " +
            $"{o.Percentile}");
        // 3 (RGB) or 1 (grayscale) input channels, as the checkpoint was trained
        int inChannels = o.Stem?.InChannels ?? ShuffleNetV2Layout.InferInChannels(sd) ?? 3;
        var (width, numClasses) = OnnxExporter.ValidateLayout(sd, inChannels);
        var stem = o.Stem ?? (inChannels == 3 ? StemOptions.ImageNet : throw new OnnxExportException(
            "the state dict takes 1-channel images; give QuantizeOptions.Stem (the checkpoint's meta.stem: " +
            "StemOptions.FromCheckpoint)"));
        if (o.Classes is { } classes && classes.Count != numClasses)
            throw new OnnxExportException($"{classes.Count} class names given for a head with {numClasses} classes");
        if (o.Classes?.FirstOrDefault(c => c.Contains('\n')) is { } bad)
            throw new OnnxExportException($"class name '{bad.ReplaceLineEndings(" ")}' contains a line break; names " +
                "are stored newline-joined");

        var graph = new OnnxGraph();
        var writer = new QdqWriter(graph, o, ranges);
        new QdqGraphBuilder(sd, writer, o, stem).Build(width, numClasses);
        var metadata = new Dictionary<string, string>
        {
            ["architecture"] = $"ShuffleNetV2 {ShuffleNetV2Layout.Name(width)}",
            ["graph"] = ranges is not null ? "qdq-int8" : "calibration",
            [OnnxExporter.StemKey] = OnnxExporter.StemText(stem),
        };
        if (o.Classes is { } names) metadata[OnnxExporter.ClassesKey] = string.Join('\n', names);
        long? hw = o.ImageSize == ExportOptions.StemImageSize ? stem.ImageSize : o.ImageSize;
        var bytes = OnnxModelWriter.Write(graph, ExportOptions.DefaultOpset, "shufflenet_v2_int8",
            new OnnxValue("input", (o.Batch, "N"), (stem.InChannels, null), (hw, "H"), (hw, "W")),
            new OnnxValue("logits", (o.Batch, "N"), (numClasses, null)), metadata,
            ranges is null ? writer.CalibrationOutputs.Keys : null);
        return (bytes, writer);
    }
}
