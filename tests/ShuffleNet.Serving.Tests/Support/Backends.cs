using ShuffleNet.Checkpoints;
using ShuffleNet.Onnx.Export;
using ShuffleNet.Onnx.Runtime;

namespace ShuffleNet.Serving.Tests.Support;

/// <summary>
/// The reference checkpoint (PyTorch's weights) exported once and run in ONNX Runtime, as the CLI's ort backend does.
/// </summary>
internal sealed class OrtBackend(OrtClassifier c) : IInferenceBackend
{
    private static readonly Lazy<(byte[] Model, IReadOnlyList<string>? Classes)> Reference = new(() =>
    {
        var checkpoint = CheckpointFile.Load(TestData.Reference("mmcls_1.0.pth"));
        return (OnnxExporter.ExportToBytes(checkpoint.StateDict, new ExportOptions { Classes = checkpoint.Classes }),
            checkpoint.Classes);
    });

    public static OrtBackend OpenReference() => new(OrtClassifier.FromBytes(Reference.Value.Model,
        new OrtOptions { Threads = 1 }));

    public int[] ImageShape => c.ImageShape;
    public int ImageSize => c.ImageSize;
    public int NumClasses => c.NumClasses;
    public IReadOnlyList<string>? Classes => c.Classes;
    public void Run(ReadOnlySpan<float> nchw, int batch, Span<float> logits) => c.Run(nchw, batch, logits);
    public void Dispose() => c.Dispose();
}

/// <summary>
/// A model of 10 classes on 3 x 224 x 224 inputs whose logit i is i times the image's mean, so answers depend on the
/// image; every run waits for <see cref="Open"/> (after the warm-up when <paramref name="gateWarmUp"/> is false) and
/// records its batch size; it throws when <see cref="Fail"/> is set.
/// </summary>
internal sealed class GatedBackend(bool open = true, bool gateWarmUp = false) : IInferenceBackend
{
    private readonly ManualResetEventSlim _gate = new(open);
    private readonly List<int> _batches = [];
    private int _warmUpRuns = -1;

    public int[] ImageShape => [3, 224, 224];
    public int ImageSize => 3 * 224 * 224;
    public int NumClasses => 10;
    public IReadOnlyList<string>? Classes => null;
    public bool Fail { get; set; }

    /// <summary>Batch sizes run, in order, after the warm-up (1, 2, 4, ... up to the max batch).</summary>
    public List<int> Batches { get { lock (_batches) return [.. _batches]; } }

    public void Open() => _gate.Set();

    public void Close() => _gate.Reset();

    /// <summary>Runs before requests: the warm-up, 1 + log2(maxBatch) of them.</summary>
    public void ExpectWarmUp(int maxBatch) => _warmUpRuns = (int)Math.Log2(maxBatch) + 1;

    public void Run(ReadOnlySpan<float> nchw, int batch, Span<float> logits)
    {
        bool warmUp;
        lock (_batches) warmUp = _warmUpRuns-- > 0;
        if (!warmUp || gateWarmUp) _gate.Wait(TimeSpan.FromSeconds(60));
        if (Fail && !warmUp) throw new InvalidOperationException("the fake model fails on purpose");
        if (!warmUp) lock (_batches) _batches.Add(batch);
        for (int b = 0; b < batch; b++)
        {
            double mean = 0;
            foreach (var v in nchw.Slice(b * ImageSize, ImageSize)) mean += v;
            mean /= ImageSize;
            for (int i = 0; i < NumClasses; i++) logits[b * NumClasses + i] = (float)(i * mean);
        }
    }

    public void Dispose() => _gate.Dispose();
}
