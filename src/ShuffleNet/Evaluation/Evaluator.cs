using ShuffleNet.Checkpoints;
using ShuffleNet.Data;
using static TorchSharp.torch;

namespace ShuffleNet.Evaluation;

/// <summary>The outcome of one pass over an evaluation set.</summary>
/// <param name="Top1">Top-1 accuracy, percent.</param>
/// <param name="Top5">Top-5 accuracy, percent.</param>
/// <param name="Loss">Mean cross-entropy.</param>
/// <param name="Count">Images evaluated.</param>
/// <param name="Seconds">Wall time of the pass.</param>
/// <param name="PerClass">Top-1 per class.</param>
/// <param name="Confusion">Counts of (true, predicted) label pairs, for <see cref="SingleLabelMetric"/>.</param>
/// <param name="Samples">Every image's top-1 prediction, in evaluation order.</param>
public sealed record EvalResult(double Top1, double Top5, double Loss, long Count, double Seconds,
    IReadOnlyList<ClassAccuracy> PerClass, ConfusionMatrix Confusion, IReadOnlyList<SamplePrediction> Samples);

/// <summary>One image's top-1 prediction.</summary>
/// <param name="Index">The image's index in its dataset (<see cref="TrainBatch.Indices"/>; else its position in the
/// pass).</param>
/// <param name="Label">The true label.</param>
/// <param name="Predicted">The label with the largest logit (the first, on ties).</param>
/// <param name="Confidence">Its softmax probability, 0-1.</param>
public sealed record SamplePrediction(int Index, int Label, int Predicted, float Confidence);

/// <summary>
/// Runs a classifier over an <see cref="IBatchSource"/> in eval mode under <c>no_grad</c>, one dispose scope per batch.
/// </summary>
public static class Evaluator
{
    /// <summary>
    /// Evaluates <paramref name="model"/> (logits <c>[N, K]</c>) on every batch of <paramref name="data"/>; restores
    /// the mode it found.
    /// </summary>
    /// <exception cref="DataException">A label of the data is beyond the model's classes.</exception>
    public static EvalResult Run(nn.Module<Tensor, Tensor> model, IBatchSource data, int numClasses,
        CancellationToken cancel = default)
    {
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var _ = no_grad();
            var device = model.parameters().FirstOrDefault()?.device ?? CPU;
            return Run(batch =>
            {
                using var scope = NewDisposeScope();
                return model.call(tensor(batch.Images, batch.Shape).to(device)).cpu().data<float>().ToArray();
            }, data, numClasses, cancel);
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    /// <summary>
    /// Evaluates any backend (TorchSharp, ONNX Runtime) given as <paramref name="logitsOf"/>: a batch in, its logits
    /// <c>[N, numClasses]</c> row-major out.
    /// </summary>
    /// <exception cref="DataException">A label of the data is beyond the model's classes.</exception>
    public static EvalResult Run(Func<TrainBatch, float[]> logitsOf, IBatchSource data, int numClasses,
        CancellationToken cancel = default)
    {
        if (data.MaxLabel >= numClasses)
            throw new DataException($"the evaluation data has label {data.MaxLabel} but the model has {numClasses} " +
                "classes " +
                                    $"(0..{numClasses - 1})");
        var meter = new AccuracyMeter(numClasses);
        var confusion = new ConfusionMatrix(numClasses);
        var samples = new List<SamplePrediction>(data.Count);
        double lossSum = 0;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        foreach (var batch in data.Epoch(0))
        {
            cancel.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var values = logitsOf(batch);
            for (int i = 0; i < batch.Labels.Length; i++)
            {
                var (top, confidence) = Top1(values.AsSpan(i * numClasses, numClasses));
                int label = (int)batch.Labels[i];
                if (label >= 0 && label < numClasses) confusion.Add(label, top);   // the meter below rejects the rest
                samples.Add(new SamplePrediction(batch.Indices?[i] ?? samples.Count, label, top, confidence));
            }
            var logits = tensor(values, [batch.Labels.Length, numClasses]);
            var y = tensor(batch.Labels);
            lossSum += nn.functional.cross_entropy(logits, y, reduction: nn.Reduction.Sum).item<float>();
            meter.Update(logits, y);
        }
        return new EvalResult(meter.Top1, meter.Top5, meter.Count == 0 ? 0 : lossSum / meter.Count, meter.Count,
            watch.Elapsed.TotalSeconds, meter.PerClass(data.Classes), confusion, samples);
    }

    // argmax and its softmax probability, 1 / sum(exp(l - max)), in double so 1000 classes lose nothing
    private static (int Index, float Probability) Top1(ReadOnlySpan<float> logits)
    {
        int best = Logits.ArgMax(logits);
        double sum = 0;
        foreach (var l in logits) sum += Math.Exp(l - (double)logits[best]);
        return (best, (float)(1 / sum));
    }
}
