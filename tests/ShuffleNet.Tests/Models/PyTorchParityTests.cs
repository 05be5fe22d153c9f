using ShuffleNet.Checkpoints;
using ShuffleNet.Models;
using Xunit.Abstractions;
using TorchSharp;
using static TorchSharp.torch;

namespace ShuffleNet.Tests.Models;

/// <summary>Outputs against real PyTorch 1.13 (tests/reference, made by tools/reference/make_*reference.py).</summary>
public class PyTorchParityTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, OrderedDictionary<object, object?>> Io = new()
    {
        ["1.0"] = (OrderedDictionary<object, object?>)TorchFile.Load(Paths.Reference("io_1.0.pth"))!,
        // 0.5x, another seed, legacy (pre-1.6) file format: see Fixtures/README.md
        ["0.5"] = (OrderedDictionary<object, object?>)TorchFile.Load(Paths.Fixture("io_0.5.pth"))!,
        // 0.5x with a 10-class head on 96x96 inputs, in both layouts: tests/reference/README.md
        ["0.5_c10"] = (OrderedDictionary<object, object?>)TorchFile.Load(Paths.Reference("io_0.5_c10.pth"))!,
    };

    private static Tensor Ref(string name, string width = "1.0") => Weights.ToTensor((TensorData)Io[width][name]!);

    private static string CheckpointPath(string file) => file == "mmcls_0.5.pth"
        ? Path.Combine(Paths.RepoRoot, "tests", "ShuffleNet.Checkpoints.Tests", "Fixtures", file)
        : Paths.Reference(file);

    // Tolerance: 1e-4 absolute, or 5e-6 of the tensor's largest magnitude where that is larger. The reference's own
    // float32 rounding is that large: Debian's PyTorch 1.13 on this machine differs from io_1.0.pth by the very same
    // 1.3e-5 / 7.3e-5 / 1.75e-4 / 2.4e-4 / 1.6e-4 (stage2 / stage3 / stage4 / conv5 / logits, magnitudes up to 50-150)
    // that TorchSharp does, and its float64 run differs by more.
    [Theory]
    [InlineData("mmcls_1.0.pth", "1.0")]
    [InlineData("mmcls_0.5.pth", "0.5")]
    [InlineData("mmcls_0.5_c10.pth", "0.5_c10")]
    [InlineData("torchvision_0.5_c10.pth", "0.5_c10")]
    public void Every_stage_and_the_logits_match_pytorch(string file, string width)
    {
        using var scope = NewDisposeScope();
        using var model = ShuffleNetV2Builder.FromCheckpoint(CheckpointPath(file));
        using var _ = no_grad();
        var backbone = new ShuffleNetV2(model.Width, outIndices: [0, 1, 2, 3]);
        var backboneWeights = new StateDict();
        foreach (var (k, v) in Weights.ToStateDict(model.Backbone)) backboneWeights[k] = v;
        Weights.Load(backbone, backboneWeights, file);
        backbone.eval();
        Tensor Ref(string name) => PyTorchParityTests.Ref(name, width);
        var x = Ref("input");
        var children = backbone.named_children().Where(c => c.name is "conv1" or "maxpool").ToDictionary(c => c.name,
            c => (nn.Module<Tensor, Tensor>)c.module);
        Check("stem", children["maxpool"].call(children["conv1"].call(x)), Ref("stem"));
        var stages = backbone.call(x);
        var names = new[] { "stage2", "stage3", "stage4", "conv5" };
        for (int i = 0; i < 4; i++) Check(names[i], stages[i], Ref(names[i]));
        Check("logits", model.call(x), Ref("logits"));
    }

    private void Check(string name, Tensor actual, Tensor expected)
    {
        Assert.Equal(expected.shape, actual.shape);
        var diff = (actual - expected).abs().max().item<float>();
        var tolerance = Math.Max(1e-4, 5e-6 * expected.abs().max().item<float>());
        output.WriteLine($"{name}: max abs diff {diff:E2} (tolerance {tolerance:E1})");
        Assert.True(diff <= tolerance, $"{name}: max abs diff {diff}, tolerance {tolerance}");
    }

    [Fact]
    public void Saved_checkpoint_reloads_bit_identical_and_gives_the_same_logits()
    {
        using var scope = NewDisposeScope();
        using var model = ShuffleNetV2Builder.FromCheckpoint(Paths.Reference("mmcls_1.0.pth"));
        var path = Path.Combine(Path.GetTempPath(), $"roundtrip-{Guid.NewGuid():N}.pth");
        try
        {
            CheckpointFile.Save(path, new Checkpoint(Weights.ToStateDict(model), model.Classes,
                new Dictionary<string, object?>()));
            using var again = ShuffleNetV2Builder.FromCheckpoint(path);
            foreach (var (k, v) in Weights.ToStateDict(again))
                Assert.Equal(Weights.ToStateDict(model)[k].Bytes, v.Bytes);
            Assert.Equal(model.Classes, again.Classes);
            using var _ = no_grad();
            var x = Ref("input");
            Assert.Equal(0f, (model.call(x) - again.call(x)).abs().max().item<float>());
        }
        finally { File.Delete(path); }
    }
}
