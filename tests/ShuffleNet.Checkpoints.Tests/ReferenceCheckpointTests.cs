using ShuffleNet.Checkpoints;

namespace ShuffleNet.Checkpoints.Tests;

/// <summary>
/// Reference checkpoints written by PyTorch 1.13 (zip format): the 1.0x mmcls file with ImageNet's classes, and a
/// 0.5x 10-class model in both layouts (tests/reference/README.md).
/// </summary>
public class ReferenceCheckpointTests
{
    private static readonly string Mmcls = TestData.Reference("mmcls_1.0.pth");
    private static readonly string SmallMmcls = TestData.Reference("mmcls_0.5_c10.pth");
    private static readonly string SmallTorchvision = TestData.Reference("torchvision_0.5_c10.pth");

    [Fact]
    public void Mmcls_and_torchvision_files_load_to_the_same_338_mmpretrain_keys_with_bit_identical_tensors()
    {
        var mm = CheckpointFile.Load(SmallMmcls);
        var tv = CheckpointFile.Load(SmallTorchvision);
        Assert.Equal(CheckpointLayout.Mmpretrain, mm.SourceLayout);
        Assert.Equal(CheckpointLayout.Torchvision, tv.SourceLayout);
        Assert.Equal(ShuffleNetV2Layout.Keys(Width.X0_5, 10).Select(k => k.Key), mm.StateDict.Keys);
        Assert.Equal(mm.StateDict.Keys, tv.StateDict.Keys);
        foreach (var (key, a) in mm.StateDict)
        {
            var b = tv.StateDict[key];
            Assert.Equal(a.DType, b.DType);
            Assert.Equal(a.Shape, b.Shape);
            Assert.True(a.Bytes.AsSpan().SequenceEqual(b.Bytes), $"'{key}' differs between the two files");
        }
        Assert.Equal((Width.X0_5, (int?)10), LayoutCheck.Validate(mm.StateDict, SmallMmcls, Width.X0_5, 10));
        var large = CheckpointFile.Load(Mmcls).StateDict;
        Assert.Equal((Width.X1_0, (int?)1000), LayoutCheck.Validate(large, Mmcls, Width.X1_0, 1000));
    }

    [Fact]
    public void Mmcls_file_has_the_1000_imagenet_class_names_and_its_meta()
    {
        var ckpt = CheckpointFile.Load(Mmcls);
        var names = File.ReadAllLines(TestData.Reference("imagenet_classes.txt")).Select(l => l.Trim()).ToList();
        Assert.Equal(1000, ckpt.Classes!.Count);
        Assert.Equal(names, ckpt.Classes);
        Assert.Equal(300L, ckpt.Meta["epoch"]);
        Assert.Null(CheckpointFile.Load(SmallTorchvision).Classes);
    }

    [Fact]
    public void Weights_are_float32_and_num_batches_tracked_is_a_0_dim_int64()
    {
        var sd = CheckpointFile.Load(Mmcls).StateDict;
        foreach (var (key, t) in sd)
        {
            if (key.EndsWith("num_batches_tracked", StringComparison.Ordinal))
            {
                Assert.Equal(DType.Int64, t.DType);
                Assert.Empty(t.Shape);
            }
            else Assert.Equal(DType.Float32, t.DType);
        }
    }
}
