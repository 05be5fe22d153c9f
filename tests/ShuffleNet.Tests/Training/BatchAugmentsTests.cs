using System.Text.Json;
using ShuffleNet.Training;
using static TorchSharp.torch;

namespace ShuffleNet.Tests.Training;

/// <summary>
/// Mixup, CutMix and the soft-target loss against mmpretrain's formulas run in PyTorch 1.13 with the same draws
/// (Fixtures/training.json, tools/reference/make_training_fixtures.py); the draws themselves by their distribution.
/// </summary>
public class BatchAugmentsTests
{
    private static readonly JsonElement Fixture =
        JsonDocument.Parse(File.ReadAllText(Paths.Fixture("training.json"))).RootElement.GetProperty("batch_augments");

    private static float[] Floats(JsonElement e) => [.. e.EnumerateArray().Select(v => (float)v.GetDouble())];

    private static void AssertClose(float[] expected, Tensor actual, float tolerance, string what)
    {
        var got = actual.data<float>().ToArray();
        Assert.Equal(expected.Length, got.Length);
        for (int i = 0; i < got.Length; i++)
            Assert.True(Math.Abs(expected[i] - got[i]) <= tolerance,
                $"{what}[{i}]: PyTorch {expected[i]}, ours {got[i]}");
    }

    private static (Tensor X, Tensor Targets, Tensor Perm) Inputs()
    {
        ShuffleNet.Platform.TorchRuntime.EnsureLoaded();
        long[] shape = [.. Fixture.GetProperty("x_shape").EnumerateArray().Select(v => v.GetInt64())];
        var x = tensor(Floats(Fixture.GetProperty("x")), shape);
        var labels = tensor(Fixture.GetProperty("labels").EnumerateArray().Select(v => v.GetInt64()).ToArray());
        var targets = nn.functional.one_hot(labels, Fixture.GetProperty("num_classes").GetInt64())
            .to_type(ScalarType.Float32);
        var perm = tensor(Fixture.GetProperty("index").EnumerateArray().Select(v => v.GetInt64()).ToArray());
        return (x, targets, perm);
    }

    [Fact]
    public void Mixup_mixes_images_and_targets_as_mmpretrain()
    {
        using var scope = NewDisposeScope();
        var (x, targets, perm) = Inputs();
        var mixup = Fixture.GetProperty("mixup");
        double lam = mixup.GetProperty("lam").GetDouble();
        AssertClose(Floats(mixup.GetProperty("x")), BatchAugments.Mix(x, perm, lam), 1e-6f, "x");
        AssertClose(Floats(mixup.GetProperty("y")), BatchAugments.Mix(targets, perm, lam), 1e-6f, "y");
    }

    [Fact]
    public void CutMix_pastes_rand_bboxs_box_and_corrects_lam_to_the_kept_area()
    {
        using var scope = NewDisposeScope();
        var (x, targets, perm) = Inputs();
        var cut = Fixture.GetProperty("cutmix");
        var box = BatchAugments.RandBox((int)x.shape[2], (int)x.shape[3], cut.GetProperty("lam").GetDouble(),
            cut.GetProperty("cy").GetInt32(), cut.GetProperty("cx").GetInt32());
        int[] expected = [.. cut.GetProperty("box").EnumerateArray().Select(v => v.GetInt32())];
        Assert.Equal(expected, new[] { box.Y1, box.Y2, box.X1, box.X2 });
        AssertClose(Floats(cut.GetProperty("x")), BatchAugments.CutMix(x, perm, box), 0, "x");
        double lam = BatchAugments.KeptShare(box, (int)x.shape[2], (int)x.shape[3]);
        Assert.Equal(cut.GetProperty("corrected_lam").GetDouble(), lam, 12);
        AssertClose(Floats(cut.GetProperty("y")), BatchAugments.Mix(targets, perm, lam), 1e-6f, "y");
    }

    [Theory]
    [InlineData("0.0", 0.0)]
    [InlineData("0.1", 0.1)]
    public void Soft_target_cross_entropy_and_its_gradient_are_PyTorchs(string key, double smoothing)
    {
        using var scope = NewDisposeScope();
        var (_, targets, perm) = Inputs();
        var mixed = BatchAugments.Mix(targets, perm, Fixture.GetProperty("mixup").GetProperty("lam").GetDouble());
        var logits = tensor(Floats(Fixture.GetProperty("logits")), [targets.shape[0], targets.shape[1]])
            .requires_grad_();
        var loss = BatchAugments.SoftCrossEntropy(logits, mixed, smoothing);
        var reference = Fixture.GetProperty("soft_ce").GetProperty(key);
        Assert.Equal(reference.GetProperty("loss").GetDouble(), loss.item<float>(), 5);
        loss.backward();
        AssertClose(Floats(reference.GetProperty("grad")), logits.grad!, 1e-6f, "grad");
    }

    [Fact]
    public void Beta_draws_have_the_mean_and_variance_of_Beta_alpha_alpha()
    {
        foreach (double alpha in new[] { 0.2, 0.8, 1.0, 2.0 })
        {
            var rng = new Random(3);
            var draws = Enumerable.Range(0, 40000).Select(_ => BatchAugments.SampleBeta(alpha, rng)).ToArray();
            double mean = draws.Average(), variance = draws.Select(d => (d - mean) * (d - mean)).Average();
            Assert.All(draws, d => Assert.InRange(d, 0, 1));
            Assert.InRange(mean, 0.49, 0.51);
            double expected = 1 / (4 * (2 * alpha + 1));   // Var Beta(a, a) = 1 / (4 (2a + 1))
            Assert.InRange(variance, expected * 0.96, expected * 1.04);
        }
    }

    [Fact]
    public void With_both_on_each_batch_gets_one_of_them_and_targets_stay_distributions()
    {
        using var scope = NewDisposeScope();
        var (x, targets, _) = Inputs();
        var both = new BatchAugments(new BatchAugmentsConfig(Mixup: 0.8, Cutmix: 1.0));
        int cut = 0, mix = 0;
        for (int seed = 0; seed < 200; seed++)
        {
            var (mixed, t) = both.Apply(x, targets, new Random(seed));
            AssertClose(Enumerable.Repeat(1f, (int)t.shape[0]).ToArray(), t.sum(1), 1e-5f, "target sums");
            // Mixup changes all pixels of a sample or (paired with itself) none; CutMix changes those in its box
            var changed = mixed.ne(x).to_type(ScalarType.Float32).flatten(1).mean([1L]).data<float>().ToArray();
            if (changed.Any(f => f is > 0.02f and < 0.98f)) cut++; else mix++;
        }
        Assert.InRange(cut, 70, 130);
        Assert.Equal(200, cut + mix);
        Assert.False(new BatchAugments(new BatchAugmentsConfig()).Enabled);
    }
}
