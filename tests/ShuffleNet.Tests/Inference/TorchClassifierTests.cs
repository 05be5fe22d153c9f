using ShuffleNet.Checkpoints;
using ShuffleNet.Inference;
using ShuffleNet.Models;
using static TorchSharp.torch;

namespace ShuffleNet.Tests.Inference;

public class TorchClassifierTests
{
    [Fact]
    public void Logits_equal_the_model_called_directly_and_buffers_are_reused()
    {
        // trained-like weights (calibrated BatchNorm), so logits are far from zero
        using var model = ShuffleNetV2Builder.FromCheckpoint(Paths.Reference("mmcls_1.0.pth"));
        using var classifier = new TorchClassifier(model, imageSize: 64);
        manual_seed(1);
        using var x = randn(3, 3, 64, 64);
        var input = x.data<float>().ToArray();
        float[] expected;
        using (no_grad()) expected = model.call(x).data<float>().ToArray();
        // equal up to float32 rounding (a different buffer may take a different vectorised path)
        static void Close(float[] e, float[] a)
        {
            Assert.Equal(e.Length, a.Length);
            float scale = e.Max(Math.Abs);
            for (int i = 0; i < e.Length; i++) Assert.Equal(e[i], a[i], 1e-5f * scale);
        }
        Close(expected, classifier.Run(input, 3));
        Close(expected, classifier.Run(input, 3)); // second call on the cached input tensor
        Close(expected.AsSpan(0, 1000).ToArray(), classifier.Run(input.AsSpan(0, 3 * 64 * 64), 1));
        Assert.NotEqual(classifier.Run(input.AsSpan(0, 3 * 64 * 64), 1), classifier.Run(input.AsSpan(3 * 64 * 64,
            3 * 64 * 64), 1));
    }

    [Fact]
    public void Cached_input_survives_the_callers_dispose_scopes()
    {
        // the evaluator calls Run inside a dispose scope per batch; the input tensor cached on the
        // first call used to be disposed with that scope, and the second batch failed ("empty handle")
        using var model = ShuffleNetV2Builder.Create(Width.X0_5, numClasses: 7);
        using var classifier = new TorchClassifier(model, imageSize: 32);
        var input = Enumerable.Range(0, 2 * 3 * 32 * 32).Select(i => (float)Math.Sin(i)).ToArray();
        float[] first, second;
        using (NewDisposeScope()) first = classifier.Run(input, 2);
        using (NewDisposeScope()) second = classifier.Run(input, 2);
        Assert.Equal(first, second);
    }

    [Fact]
    public void Wrong_input_length_says_what_the_model_expects()
    {
        using var model = ShuffleNetV2Builder.Create(Width.X0_5, numClasses: 7);
        using var classifier = new TorchClassifier(model);
        var e = Assert.Throws<ArgumentException>(() => classifier.Run(new float[1000], 1));
        Assert.Contains("1000 floats", e.Message);
        Assert.Contains("[N, 3, 224, 224] = N x 150528", e.Message);
    }
}
