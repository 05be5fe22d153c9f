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
public sealed record EvalResult(double Top1, double Top5, double Loss, long Count, double Seconds, IReadOnlyList<ClassAccuracy> PerClass);

/// <summary>Runs a classifier over an <see cref="IBatchSource"/> in eval mode under <c>no_grad</c>, one dispose scope per batch.</summary>
public static class Evaluator
{
    /// <summary>Evaluates <paramref name="model"/> (logits <c>[N, K]</c>) on every batch of <paramref name="data"/>; restores the mode it found.</summary>
    /// <exception cref="DataException">A label of the data is beyond the model's classes.</exception>
    public static EvalResult Run(nn.Module<Tensor, Tensor> model, IBatchSource data, int numClasses, CancellationToken cancel = default)
    {
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var _ = no_grad();
            return Run(batch =>
            {
                using var scope = NewDisposeScope();
                return model.call(tensor(batch.Images, batch.Shape)).data<float>().ToArray();
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
    public static EvalResult Run(Func<TrainBatch, float[]> logitsOf, IBatchSource data, int numClasses, CancellationToken cancel = default)
    {
        if (data.MaxLabel >= numClasses)
            throw new DataException($"the evaluation data has label {data.MaxLabel} but the model has {numClasses} classes " +
                                    $"(0..{numClasses - 1})");
        var meter = new AccuracyMeter(numClasses);
        double lossSum = 0;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        foreach (var batch in data.Epoch(0))
        {
            cancel.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var logits = tensor(logitsOf(batch), [batch.Labels.Length, numClasses]);
            var y = tensor(batch.Labels);
            lossSum += nn.functional.cross_entropy(logits, y, reduction: nn.Reduction.Sum).item<float>();
            meter.Update(logits, y);
        }
        return new EvalResult(meter.Top1, meter.Top5, meter.Count == 0 ? 0 : lossSum / meter.Count, meter.Count, watch.Elapsed.TotalSeconds, meter.PerClass(data.Classes));
    }
}
