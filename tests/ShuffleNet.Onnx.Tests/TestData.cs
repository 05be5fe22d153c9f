using ShuffleNet.Checkpoints;

namespace ShuffleNet.Onnx.Tests;

/// <summary>Seeded random state dicts and inputs, and the PyTorch reference data (<see cref="RepoPaths"/>).</summary>
internal static class TestData
{
    /// <summary>A file of the PyTorch reference data, <c>tests/reference/NAME</c>.</summary>
    public static string Reference(string name) => RepoPaths.Reference(name);

    /// <summary>
    /// A state dict of mmpretrain's layout with LeCun-scaled weights (std 1/sqrt(fan_in)) and BatchNorm
    /// statistics near 1, which keep activations and logits O(1), so a 1e-4 tolerance is meaningful
    /// (He scaling lets them grow to ~1e3 over 56 layers, where float32 rounding alone is 1e-4).
    /// </summary>
    public static StateDict RandomStateDict(Width width, int numClasses = 10, int seed = 0, int inChannels = 3)
    {
        var rng = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        var sd = new StateDict();
        foreach (var (key, shape) in ShuffleNetV2Layout.Keys(width, numClasses, inChannels))
        {
            int n = (int)shape.Aggregate(1L, (a, b) => a * b);
            long fanIn = shape.Length > 1 ? shape.Skip(1).Aggregate(1L, (a, b) => a * b) : 1;
            Func<double> draw = key switch
            {
                _ when key.EndsWith("num_batches_tracked", StringComparison.Ordinal) => () => 0,
                _ when key.EndsWith("running_var", StringComparison.Ordinal) => () => 0.5 + rng.NextDouble(),
                _ when key.EndsWith("bn.weight", StringComparison.Ordinal) => () => 0.5 + rng.NextDouble(),
                _ when key.EndsWith("running_mean", StringComparison.Ordinal) || key.EndsWith("bias",
                    StringComparison.Ordinal) => () => 0.1 * Normal(),
                _ => () => Normal() * Math.Sqrt(1.0 / fanIn),
            };
            if (shape.Length == 0) { sd[key] = TensorData.FromInt64([0]); continue; }
            sd[key] = TensorData.FromFloat32(Enumerable.Range(0, n).Select(_ => (float)draw()).ToArray(), shape);
        }
        return sd;
    }

    public static float[] RandomInput(int count, int seed = 1)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
    }

    public static double MaxAbsDiff(float[] a, float[] b) => a.Zip(b, (x, y) => (double)Math.Abs(x - y)).Max();
}
