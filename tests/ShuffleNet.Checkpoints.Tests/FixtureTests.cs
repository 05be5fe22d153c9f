using ShuffleNet.Checkpoints;

namespace ShuffleNet.Checkpoints.Tests;

/// <summary>
/// Files written by real PyTorch 1.13 (tools/reference/make_checkpoint_fixtures.py) against the values it recorded.
/// </summary>
public class FixtureTests
{
    private static OrderedDictionary<object, object?> LoadDict(string name) =>
        Assert.IsType<OrderedDictionary<object, object?>>(TorchFile.Load(TestData.Fixture(name)));

    [Theory]
    [InlineData("tiny_zip.pt")]
    [InlineData("tiny_legacy.pt")]
    public void Every_dtype_and_view_loads_bit_identical_to_what_PyTorch_wrote(string file)
    {
        var dict = LoadDict(file);
        var expected = TestData.Expected(file);
        Assert.Equal(expected.EnumerateObject().Select(p => p.Name), dict.Keys.Cast<string>());
        foreach (var p in expected.EnumerateObject())
            TestData.AssertMatches(p.Value, Assert.IsType<TensorData>(dict[p.Name]), p.Name);
    }

    [Fact]
    public void Legacy_format_file_loads_the_same_tensors_as_the_zip_format()
    {
        var zip = LoadDict("tiny_zip.pt");
        var legacy = LoadDict("tiny_legacy.pt");
        Assert.Equal(zip.Keys, legacy.Keys);
        foreach (var (k, v) in zip)
        {
            var a = (TensorData)v!;
            var b = (TensorData)legacy[k]!;
            Assert.Equal(a.DType, b.DType);
            Assert.Equal(a.Shape, b.Shape);
            Assert.Equal(a.Bytes, b.Bytes);
        }
    }

    [Theory]
    [InlineData("tiny_zip.pt")]
    [InlineData("tiny_legacy.pt")]
    public void Views_come_out_row_major_with_offset_and_strides_honoured(string file)
    {
        var dict = LoadDict(file);
        // grid = arange(24).reshape(4, 6); slice = grid[1:3, 2:5]
        Assert.Equal([8f, 9f, 10f, 14f, 15f, 16f], ((TensorData)dict["slice"]!).ToFloat32());
        // shared = arange(10) * 3; shared_a = shared[0:4], shared_b = shared[2:8:2], one storage in the file
        Assert.Equal([0f, 3f, 6f, 9f], ((TensorData)dict["shared_a"]!).ToFloat32());
        Assert.Equal([6f, 12f, 18f], ((TensorData)dict["shared_b"]!).ToFloat32());
        var scalar = (TensorData)dict["scalar"]!;
        Assert.Empty(scalar.Shape);
        Assert.Equal(1234f, Assert.Single(scalar.ToFloat32()));
        Assert.Equal([3L, 5L], ((TensorData)dict["transposed"]!).Shape.Reverse());
    }

    [Fact]
    public void DataParallel_module_prefix_is_dropped()
    {
        var ckpt = CheckpointFile.Load(TestData.Fixture("module_prefix.pt"));
        Assert.Equal(["backbone.conv1.conv.weight", "backbone.conv1.bn.num_batches_tracked"], ckpt.StateDict.Keys);
        var expected = TestData.Expected("module_prefix.pt");
        foreach (var (k, t) in ckpt.StateDict) TestData.AssertMatches(expected.GetProperty(k), t, k);
        Assert.Null(ckpt.Classes);
        Assert.Empty(ckpt.Meta);
    }

    [Fact]
    public void Model_wrapper_in_a_legacy_file_gives_its_state_dict()
    {
        var ckpt = CheckpointFile.Load(TestData.Fixture("model_wrapper_legacy.pt"));
        var expected = TestData.Expected("model_wrapper_legacy.pt");
        Assert.Equal(expected.EnumerateObject().Select(p => p.Name), ckpt.StateDict.Keys);
        foreach (var (k, t) in ckpt.StateDict) TestData.AssertMatches(expected.GetProperty(k), t, k);
    }

    [Fact]
    public void Mmpretrain_1x_dataset_meta_classes_and_numpy_meta_values_are_read_as_plain_values()
    {
        var ckpt = CheckpointFile.Load(TestData.Fixture("mmpretrain_1x.pt"));
        Assert.Equal(["cat", "dog", "bird"], ckpt.Classes);
        Assert.Equal(CheckpointLayout.Mmpretrain, ckpt.SourceLayout);
        Assert.Equal(3L, ckpt.Meta["epoch"]);
        Assert.Equal(0.25, ckpt.Meta["lr"]);
        Assert.Equal(7L, ckpt.Meta["step"]);
        Assert.True(ckpt.Meta["flag"] is true);
        Assert.Equal(1.5, ckpt.Meta["half"]);
        Assert.Equal("float32", ckpt.Meta["dtype"]);
        Assert.Equal("run-1", ckpt.Meta["name"]);
        Assert.Null(ckpt.Meta["none"]);
        Assert.Equal(new byte[] { 0, 0xff, (byte)'a', (byte)'b' }, ckpt.Meta["blob"]);
        Assert.Equal(2, ckpt.StateDict.Count);
        var nbt = ckpt.StateDict["backbone.conv1.bn.num_batches_tracked"];
        Assert.Equal(DType.Int64, nbt.DType);
        Assert.Empty(nbt.Shape);
    }

    [Fact]
    public void Legacy_format_full_checkpoint_of_width_0_5x_loads_bit_identical_and_validates()
    {
        const string file = "mmcls_0.5.pth";
        var ckpt = CheckpointFile.Load(TestData.Fixture(file));
        var expected = TestData.Expected(file);
        Assert.Equal(expected.EnumerateObject().Select(p => p.Name), ckpt.StateDict.Keys);
        foreach (var (k, t) in ckpt.StateDict) TestData.AssertMatches(expected.GetProperty(k), t, k);
        var classes = TestData.Expected(file + "#classes");
        Assert.Equal(classes.GetProperty("count").GetInt32(), ckpt.Classes!.Count);
        Assert.Equal(classes.GetProperty("first").GetString(), ckpt.Classes[0]);
        Assert.Equal((Width.X0_5, (int?)1000), LayoutCheck.Validate(ckpt.StateDict, file));
    }
}
