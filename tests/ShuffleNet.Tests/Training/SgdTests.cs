using ShuffleNet.Training;
using ParamGroup = ShuffleNet.Training.ParamGroup;
using TorchSgd = TorchSharp.Modules.SGD;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ShuffleNet.Tests.Training;

public class SgdTests
{
    private static readonly float[] Coefficients = [0.5f, 1.5f];

    // loss = sum(c * p), so grad = c whatever p is
    private static void Backward(Parameter p)
    {
        using var c = tensor(Coefficients);
        using var loss = (p * c).sum();
        loss.backward();
    }

    [Fact]
    public void Two_steps_with_momentum_and_weight_decay_match_a_hand_computation()
    {
        ShuffleNet.Platform.TorchRuntime.EnsureLoaded();
        using var p = new Parameter(tensor(new[] { 1f, -2f }));
        using var sgd = new Sgd([new ParamGroup(["p"], [p], 0.01)], momentum: 0.9) { Lr = 0.1 };
        Backward(p);
        sgd.Step();     // g = c + 0.01 p = [0.51, 1.48]; buf = g; p = [0.949, -2.148]
        Assert.Equal(new[] { 0.949f, -2.148f }, p.data<float>().ToArray(), new FloatComparer(1e-6f));
        p.grad!.zero_();
        Backward(p);
        sgd.Step();     // g = [0.50949, 1.47852]; buf = 0.9 buf + g = [0.96849, 2.81052]; p -= 0.1 buf
        Assert.Equal(new[] { 0.852151f, -2.429052f }, p.data<float>().ToArray(), new FloatComparer(1e-6f));
        Assert.Equal(new[] { 0.96849f, 2.81052f }, sgd.State(0)["momentum_buffer"].data<float>().ToArray(),
            new FloatComparer(1e-6f));
    }

    [Fact]
    public void It_takes_the_same_steps_as_TorchSharps_SGD_with_two_param_groups()
    {
        ShuffleNet.Platform.TorchRuntime.EnsureLoaded();
        using var a1 = new Parameter(tensor(new[] { 1f, -2f })); using var a2 = new Parameter(tensor(new[] { 0.3f,
            0.7f }));
        using var b1 = new Parameter(tensor(new[] { 1f, -2f })); using var b2 = new Parameter(tensor(new[] { 0.3f,
            0.7f }));
        using var ours = new Sgd([new ParamGroup(["1"], [a1], 0.01), new ParamGroup(["2"], [a2], 0)], 0.9) { Lr = 0.1 };
        var theirs = optim.SGD([new TorchSgd.ParamGroup([b1], new TorchSgd.Options { weight_decay = 0.01,
            momentum = 0.9 }),
                                new TorchSgd.ParamGroup([b2], new TorchSgd.Options { weight_decay = 0,
                                    momentum = 0.9 })], 0.1, momentum: 0.9);
        for (int step = 0; step < 3; step++)
        {
            foreach (var p in new[] { a1, a2, b1, b2 }) { p.grad?.zero_(); Backward(p); }
            ours.Step();
            theirs.step();
        }
        Assert.Equal(b1.data<float>().ToArray(), a1.data<float>().ToArray(), new FloatComparer(1e-6f));
        Assert.Equal(b2.data<float>().ToArray(), a2.data<float>().ToArray(), new FloatComparer(1e-6f));
    }

    private sealed class FloatComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(float obj) => 0;
    }
}
