using System.Buffers.Binary;
using System.Numerics;
using ShuffleNet.Checkpoints;

namespace ShuffleNet.Checkpoints.Tests;

public sealed class RoundTripTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ckpt-roundtrip-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Set CHECKPOINT_VERIFY_DIR to keep the saved files for tools/reference/verify_checkpoint_save.py.
    private string OutputPath(string name) =>
        Environment.GetEnvironmentVariable("CHECKPOINT_VERIFY_DIR") is { Length: > 0 } keep ? Path.Combine(keep, name)
            : Path.Combine(_dir, name);

    private static void AssertSame(StateDict expected, StateDict actual)
    {
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (key, a) in expected)
        {
            var b = actual[key];
            Assert.Equal(a.DType, b.DType);
            Assert.Equal(a.Shape, b.Shape);
            Assert.True(a.Bytes.AsSpan().SequenceEqual(b.Bytes), $"'{key}' changed in the round trip");
        }
    }

    [Theory]
    [InlineData(CheckpointLayout.Mmpretrain)]
    [InlineData(CheckpointLayout.Torchvision)]
    public void Save_then_load_is_bit_identical_in_both_layouts(CheckpointLayout layout)
    {
        var original = CheckpointFile.Load(TestData.Reference("mmcls_1.0.pth"));
        var path = OutputPath($"saved_{layout.ToString().ToLowerInvariant()}.pth");
        CheckpointFile.Save(path, original, layout);
        var loaded = CheckpointFile.Load(path);
        AssertSame(original.StateDict, loaded.StateDict);
        Assert.Equal(layout, loaded.SourceLayout);
        if (layout == CheckpointLayout.Mmpretrain)
        {
            Assert.Equal(original.Classes, loaded.Classes);
            Assert.Equal(original.Meta["config"], loaded.Meta["config"]);
        }
    }

    [Fact]
    public void Every_dtype_survives_save_then_load()
    {
        var original =
            Assert.IsType<OrderedDictionary<object, object?>>(TorchFile.Load(TestData.Fixture("tiny_zip.pt")));
        var path = OutputPath("saved_tiny.pt");
        TorchFile.Save(path, original);
        var loaded = Assert.IsType<OrderedDictionary<object, object?>>(TorchFile.Load(path));
        Assert.Equal(original.Keys, loaded.Keys);
        var expected = TestData.Expected("tiny_zip.pt");
        foreach (var (k, v) in loaded) TestData.AssertMatches(expected.GetProperty((string)k),
            Assert.IsType<TensorData>(v), (string)k);
    }

    [Fact]
    public void Saved_zip_has_pytorch_entries_stored_and_64_byte_aligned()
    {
        var sd = new StateDict { ["a"] = TensorData.FromFloat32([1, 2, 3], 3), ["b"] = TensorData.FromInt64([5], []) };
        var path = Path.Combine(_dir, "small.pth");
        TorchFile.Save(path, sd);
        var file = File.ReadAllBytes(path);
        var names = new List<string>();
        for (int pos = 0; BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(pos)) == 0x04034b50;)
        {
            Assert.Equal(0, BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(pos + 8)));   // stored
            int size = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(pos + 18));
            int nameLen = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(pos + 26)),
                extraLen = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(pos + 28));
            names.Add(System.Text.Encoding.UTF8.GetString(file, pos + 30, nameLen));
            int data = pos + 30 + nameLen + extraLen;
            Assert.Equal(0, data % 64);
            pos = data + size;
        }
        Assert.Equal(["archive/data.pkl", "archive/byteorder", "archive/data/0", "archive/data/1", "archive/version"],
            names);
    }

    [Fact]
    public void Python_values_survive_a_torch_file_round_trip()
    {
        var meta = new OrderedDictionary<object, object?>
        {
            ["int"] = 42L, ["neg"] = -70000L, ["big"] = long.MaxValue, ["huge"] = BigInteger.Pow(2, 70),
                ["float"] = 0.1,
            ["str"] = "Ünïcode ✓", ["bool"] = false, ["none"] = null, ["bytes"] = new byte[] { 0, 200, 255 },
            ["list"] = new List<object?> { 1L, "two" }, ["tuple"] = new object?[] { 1L, 2L, 3L, 4L },
                ["nested"] = new OrderedDictionary<object, object?> { [7L] = "seven" },
        };
        var path = Path.Combine(_dir, "values.pt");
        TorchFile.Save(path, meta);
        var back = Assert.IsType<OrderedDictionary<object, object?>>(TorchFile.Load(path));
        Assert.Equal(meta.Keys, back.Keys);
        foreach (var key in new[] { "int", "neg", "big", "huge", "float", "str", "bool",
            "none" }) Assert.Equal(meta[key], back[key]);
        Assert.Equal((byte[])meta["bytes"]!, back["bytes"]);
        Assert.Equal(new object?[] { 1L, "two" }, Assert.IsType<List<object?>>(back["list"]));
        Assert.Equal(new object?[] { 1L, 2L, 3L, 4L }, Assert.IsType<object?[]>(back["tuple"]));
        Assert.Equal("seven", Assert.IsType<OrderedDictionary<object, object?>>(back["nested"])[7L]);
    }

    [Fact]
    public void Changed_classes_replace_both_CLASSES_and_dataset_meta_classes()
    {
        var ckpt = CheckpointFile.Load(TestData.Fixture("mmpretrain_1x.pt")) with { Classes = ["a", "b", "c"] };
        var path = Path.Combine(_dir, "classes.pth");
        CheckpointFile.Save(path, ckpt);
        var loaded = CheckpointFile.Load(path);
        Assert.Equal(["a", "b", "c"], loaded.Classes);
        var datasetMeta = Assert.IsType<OrderedDictionary<object, object?>>(loaded.Meta["dataset_meta"]);
        Assert.Equal(new object?[] { "a", "b", "c" }, Assert.IsType<object?[]>(datasetMeta["classes"]));
    }
}
