using System.Text.Json;
using ShuffleNet.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using ParamGroup = ShuffleNet.Training.ParamGroup;
using AdamW = ShuffleNet.Training.AdamW;

namespace ShuffleNet.Tests.Training;

/// <summary>
/// Our optimizers, gradient clipping and EMA against PyTorch 1.13 (tests/ShuffleNet.Tests/Fixtures/training.json,
/// tools/reference/make_training_fixtures.py): five steps on two parameters in two groups (decay 0.05 and 0) with the
/// learning rate changing every step, as the schedule changes it.
/// </summary>
public class OptimizerReferenceTests
{
    private static readonly JsonElement Fixture =
        JsonDocument.Parse(File.ReadAllText(Paths.Fixture("training.json"))).RootElement;

    private static float[] Floats(JsonElement e) => [.. e.EnumerateArray().Select(v => (float)v.GetDouble())];

    private static long[] Shape(string name) => [.. Fixture.GetProperty("shapes").GetProperty(name).EnumerateArray()
        .Select(v => v.GetInt64())];

    private static Tensor Init(string name, string shapeOf) => tensor(Floats(Fixture.GetProperty("init")
        .GetProperty(name)), Shape(shapeOf));

    private static void AssertClose(float[] expected, float[] actual, float tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * (1 + Math.Abs(expected[i])),
                $"{what}[{i}]: PyTorch {expected[i]}, ours {actual[i]}");
    }

    private static void RunAgainst(string name, Func<IReadOnlyList<ParamGroup>, Optimizer> make)
    {
        ShuffleNet.Platform.TorchRuntime.EnsureLoaded();
        using var a = new Parameter(Init("p0", "p0"));
        using var b = new Parameter(Init("p1", "p1"));
        using var c0 = Init("c0", "p0"); using var d0 = Init("d0", "p0");
        using var c1 = Init("c1", "p1"); using var d1 = Init("d1", "p1");
        using var optimizer = make([new ParamGroup(["p0"], [a], 0.05), new ParamGroup(["p1"], [b], 0)]);
        var reference = Fixture.GetProperty(name);
        var lrs = Fixture.GetProperty("lrs").EnumerateArray().Select(v => v.GetDouble()).ToList();
        var steps = reference.GetProperty("steps").EnumerateArray().ToList();
        for (int s = 0; s < lrs.Count; s++)
        {
            a.grad?.zero_(); b.grad?.zero_();
            using (var scope = NewDisposeScope())
            {
                var loss = (c0 * a * a).sum() + (d0 * a).sum() + (c1 * b * b).sum() + (d1 * b).sum();
                loss.backward();
            }
            optimizer.Lr = lrs[s];
            optimizer.Step();
            AssertClose(Floats(steps[s].GetProperty("p0")), a.data<float>().ToArray(), 2e-6f,
                $"{name} step {s + 1} p0");
            AssertClose(Floats(steps[s].GetProperty("p1")), b.data<float>().ToArray(), 2e-6f,
                $"{name} step {s + 1} p1");
        }
        foreach (var state in reference.GetProperty("state0").EnumerateObject())
            AssertClose(Floats(state.Value), optimizer.State(0)[state.Name].data<float>().ToArray(), 2e-6f,
                $"{name} state {state.Name}");
        Assert.Equal(reference.GetProperty("state0").EnumerateObject().Count(), optimizer.State(0).Count);
    }

    [Fact]
    public void AdamW_takes_PyTorchs_steps_and_keeps_its_state() =>
        RunAgainst("adamw", groups => new AdamW(groups, beta1: 0.9, beta2: 0.99, eps: 1e-6));

    [Fact]
    public void Sgd_with_Nesterov_momentum_takes_PyTorchs_steps() =>
        RunAgainst("sgd_nesterov", groups => new Sgd(groups, momentum: 0.9, nesterov: true));

    [Fact]
    public void Sgd_takes_PyTorchs_steps() => RunAgainst("sgd", groups => new Sgd(groups, momentum: 0.9));

    [Fact]
    public void Optimizer_type_in_the_config_selects_the_class()
    {
        var config = new OptimizerConfig(Type: "AdamW", Beta1: 0.8, Beta2: 0.95, Eps: 1e-7);
        using var adamw = Assert.IsType<AdamW>(Optimizer.Create(config, []));
        Assert.Equal((0.8, 0.95, 1e-7), (adamw.Beta1, adamw.Beta2, adamw.Eps));
        using var sgd = Assert.IsType<Sgd>(Optimizer.Create(new OptimizerConfig(Nesterov: true), []));
        Assert.True(sgd.Nesterov);
    }

    [Fact]
    public void Clipping_by_norm_scales_the_gradients_as_clip_grad_norm_()
    {
        ShuffleNet.Platform.TorchRuntime.EnsureLoaded();
        foreach (var c in Fixture.GetProperty("clip").EnumerateArray())
        {
            using var a = new Parameter(zeros(2, 3));
            using var b = new Parameter(zeros(2));
            a.grad = tensor(new[] { 1f, -2f, 0.5f, 0f, 3f, -1f }, [2, 3]);
            b.grad = tensor(new[] { 0.25f, -4f });
            var type = c.GetProperty("norm_type");
            double normType = type.ValueKind == JsonValueKind.String ? double.PositiveInfinity : type.GetDouble();
            using var sgd = new Sgd([new ParamGroup(["a", "b"], [a, b], 0)], 0.9);
            double? total = sgd.ClipGradNorm(new ClipGradConfig(c.GetProperty("max_norm").GetDouble(), normType));
            string what = $"max_norm {c.GetProperty("max_norm")}, norm {normType}";
            Assert.Equal(c.GetProperty("total").GetDouble(), total!.Value, 5);
            AssertClose(Floats(c.GetProperty("g0")), a.grad!.data<float>().ToArray(), 1e-6f, what + " g0");
            AssertClose(Floats(c.GetProperty("g1")), b.grad!.data<float>().ToArray(), 1e-6f, what + " g1");
        }
        using var off = new Sgd([], 0.9);
        Assert.Null(off.ClipGradNorm(new ClipGradConfig(0)));
    }

    [Fact]
    public void Ema_follows_mmengines_update_rule_interval_and_begin_iter()
    {
        ShuffleNet.Platform.TorchRuntime.EnsureLoaded();
        foreach (var c in Fixture.GetProperty("ema").EnumerateArray())
        {
            var config = new EmaConfig(c.GetProperty("momentum").GetDouble(), c.GetProperty("interval").GetInt32(),
                c.GetProperty("begin_iter").GetInt32());
            using var module = nn.Linear(3, 1, hasBias: false);
            var weight = module.weight!;
            using var ema = new ExponentialMovingAverage(module, config);
            int iter = 0;
            foreach (var step in c.GetProperty("seq").EnumerateArray())
            {
                using (no_grad()) weight.copy_(tensor(Floats(step.GetProperty("w")), [1, 3]));
                ema.Update(iter++);
                var avg = ema.Averages.Single().Average.data<float>().ToArray();
                AssertClose(Floats(step.GetProperty("avg")), avg, 1e-6f, $"{config} iter {iter}");
                Assert.Equal(step.GetProperty("steps").GetInt64(), ema.Steps);
            }
            var raw = weight.data<float>().ToArray();
            var average = ema.Averages.Single().Average.data<float>().ToArray();
            ema.Swap();
            Assert.Equal(average, weight.data<float>().ToArray());
            ema.Swap();
            Assert.Equal(raw, weight.data<float>().ToArray());
        }
    }
}
