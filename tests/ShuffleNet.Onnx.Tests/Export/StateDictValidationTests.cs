using ShuffleNet.Checkpoints;
using ShuffleNet.Onnx.Export;

namespace ShuffleNet.Onnx.Tests.Export;

public class StateDictValidationTests
{
    private static OnnxExportException ExportFails(StateDict sd, ExportOptions? options = null) =>
        Assert.Throws<OnnxExportException>(() => OnnxExporter.ExportToBytes(sd, options));

    [Fact]
    public void Missing_key_is_named()
    {
        var sd = TestData.RandomStateDict(Width.X1_0);
        var rest = new StateDict();
        foreach (var (k, v) in sd) if (k != "backbone.layers.1.3.branch2.1.bn.running_var") rest[k] = v;

        var e = ExportFails(rest);

        Assert.Contains("(first missing: 'backbone.layers.1.3.branch2.1.bn.running_var')", e.Message);
    }

    [Fact]
    public void Mismatched_shape_names_the_first_bad_key_and_both_shapes()
    {
        var sd = TestData.RandomStateDict(Width.X1_0);
        sd["backbone.layers.2.0.branch1.1.conv.weight"] = TensorData.FromFloat32(new float[231 * 232], 231, 232, 1, 1);
        sd["head.fc.bias"] = TensorData.FromFloat32(new float[3], 3);

        var e = ExportFails(sd);

        Assert.Contains("'backbone.layers.2.0.branch1.1.conv.weight' has shape [231, 232, 1, 1], expected [232, 232, " +
            "1, 1]", e.Message);
    }

    [Fact]
    public void State_dict_of_another_model_is_not_shufflenet()
    {
        var sd = new StateDict { ["conv1.weight"] = TensorData.FromFloat32(new float[64 * 3 * 49], 64, 3, 7, 7) };

        Assert.Contains("is it a ShuffleNet V2 checkpoint?", ExportFails(sd).Message);
    }

    [Fact]
    public void Torchvision_keys_are_recognised_and_the_key_map_suggested()
    {
        var sd = TestData.RandomStateDict(Width.X0_5).RenameKeys(TorchvisionKeyMap.ToTorchvision);

        Assert.Contains("TorchvisionKeyMap.ToMmcls", ExportFails(sd).Message);
    }

    [Fact]
    public void Headless_backbone_is_refused_as_a_classifier()
    {
        var sd = new StateDict();
        foreach (var (k, v) in TestData.RandomStateDict(Width.X0_5)) if (!k.StartsWith("head.")) sd[k] = v;

        Assert.Contains("has no classifier head ('head.fc.weight')", ExportFails(sd).Message);
    }

    [Fact]
    public void Unexpected_extra_key_is_named()
    {
        var sd = TestData.RandomStateDict(Width.X0_5);
        sd["head.extra.weight"] = TensorData.FromFloat32([1f], 1);

        Assert.Contains("first unexpected: 'head.extra.weight'", ExportFails(sd).Message);
    }

    [Fact]
    public void Class_count_must_match_the_head()
    {
        var e = ExportFails(TestData.RandomStateDict(Width.X0_5, numClasses: 10), new ExportOptions { Classes = ["a",
            "b"] });

        Assert.Contains("2 class names given for a head with 10 classes", e.Message);
    }

    [Fact]
    public void Class_name_with_a_line_break_is_refused_because_names_are_stored_newline_joined()
    {
        var classes = Enumerable.Range(0, 10).Select(i => i == 3 ? "two\nlines" : $"c{i}").ToArray();

        Assert.Contains("'two lines' contains a line break", ExportFails(TestData.RandomStateDict(Width.X0_5),
            new ExportOptions { Classes = classes }).Message);
    }

    [Theory]
    [InlineData(12)]
    [InlineData(22)]
    public void Unsupported_opset_is_refused(int opset) =>
        Assert.Contains($"opset {opset} is not supported", ExportFails(TestData.RandomStateDict(Width.X0_5),
            new ExportOptions { Opset = opset }).Message);
}
