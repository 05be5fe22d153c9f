using Microsoft.ML.OnnxRuntime;
using ShuffleNet.Checkpoints;
using ShuffleNet.Onnx.Runtime;

namespace ShuffleNet.Onnx.Quantization;

/// <summary>
/// Runs a <see cref="CalibrationGraph"/> in ONNX Runtime over sample images and reduces every quantization point's
/// values to a range: the extremes seen (<see cref="CalibrationMethod.MinMax"/>), or, with
/// <see cref="CalibrationMethod.Percentile"/>, the extremes clipped at a percentile of absolute values (a second pass
/// over the same batches fills a histogram of 4,096 bins per point).
/// </summary>
public sealed class Calibrator : IDisposable
{
    private const int Bins = 4096;

    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly CalibrationGraph _graph;
    private readonly string[] _outputs;
    private readonly long[] _imageShape;

    /// <summary>Opens <paramref name="graph"/> in ONNX Runtime (<paramref name="ort"/>'s threads).</summary>
    /// <exception cref="OnnxModelException">The model cannot be opened.</exception>
    public Calibrator(CalibrationGraph graph, OrtOptions? ort = null)
    {
        ort ??= new OrtOptions();
        _graph = graph;
        using var so = ort.ToSessionOptions();
        try { _session = new InferenceSession(graph.Model, so); }
        catch (OnnxRuntimeException e) { throw new OnnxModelException($"the calibration model cannot be opened: " +
            $"{e.Message}", e); }
        _outputs = graph.Outputs.Keys.ToArray();
        var d = _session.InputMetadata["input"].Dimensions;
        long size = ort.ImageSize ?? StemOptions.ImageSizeFor(d[1]);
        _imageShape = [d[1], d[2] > 0 ? d[2] : size, d[3] > 0 ? d[3] : size];
    }

    /// <summary>Floats per image the batches must hold.</summary>
    public int ImageSize => (int)(_imageShape[0] * _imageShape[1] * _imageShape[2]);

    /// <summary>
    /// The range of every quantization point, and of the input (<c>"input"</c>), over <paramref name="batches"/>
    /// (enumerated twice for <see cref="CalibrationMethod.Percentile"/>).
    /// </summary>
    /// <exception cref="ArgumentException">No images, or a batch of the wrong size.</exception>
    public Dictionary<string, ActivationRange> Calibrate(IEnumerable<ImageBatch> batches,
        CalibrationMethod method = CalibrationMethod.MinMax,
        double percentile = 99.999)
    {
        var min = new Dictionary<string, float>();
        var max = new Dictionary<string, float>();
        int images = 0;
        Pass(batches, (point, values) =>
        {
            float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
            foreach (var v in values) { lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
            min[point] = Math.Min(min.GetValueOrDefault(point, float.PositiveInfinity), lo);
            max[point] = Math.Max(max.GetValueOrDefault(point, float.NegativeInfinity), hi);
        }, n => images += n);
        if (images == 0) throw new ArgumentException("no calibration images");
        var ranges = min.Keys.ToDictionary(p => p, p => new ActivationRange(min[p], max[p]));
        if (method == CalibrationMethod.MinMax) return ranges;

        var histograms = ranges.Keys.ToDictionary(p => p, _ => new long[Bins]);
        var top = ranges.ToDictionary(kv => kv.Key, kv => Math.Max(Math.Abs(kv.Value.Min), Math.Abs(kv.Value.Max)));
        Pass(batches, (point, values) =>
        {
            var h = histograms[point];
            float t = top[point], perBin = t > 0 ? Bins / t : 0;
            foreach (var v in values) h[Math.Min(Bins - 1, (int)(Math.Abs(v) * perBin))]++;
        }, _ => { });
        foreach (var (point, h) in histograms)
        {
            long total = h.Sum(), target = (long)Math.Ceiling(total * percentile / 100), seen = 0;
            int bin = 0;
            while (bin < Bins - 1 && (seen += h[bin]) < target) bin++;
            float clip = top[point] * (bin + 1) / Bins;
            var r = ranges[point];
            ranges[point] = new ActivationRange(Math.Max(r.Min, -clip), Math.Min(r.Max, clip));
        }
        return ranges;
    }

    private void Pass(IEnumerable<ImageBatch> batches, Action<string, ReadOnlySpan<float>> observe, Action<int> counted)
    {
        foreach (var batch in batches)
        {
            if (batch.Count <= 0 || batch.Images.Length != batch.Count * ImageSize)
                throw new ArgumentException($"a calibration batch of {batch.Count} images holds " +
                    $"{batch.Images.Length} floats; expected {batch.Count} x {ImageSize}");
            observe(QdqGraphBuilder.InputPoint, batch.Images);
            using var input = OrtValue.CreateTensorValueFromMemory(batch.Images, [batch.Count, .. _imageShape]);
            using var results = _session.Run(_runOptions, ["input"], [input], _outputs);
            for (int i = 0; i < _outputs.Length; i++) observe(_graph.Outputs[_outputs[i]],
                results[i].GetTensorDataAsSpan<float>());
            counted(batch.Count);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _runOptions.Dispose();
        _session.Dispose();
    }
}
