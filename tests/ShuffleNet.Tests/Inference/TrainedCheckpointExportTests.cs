using ShuffleNet.Checkpoints;
using ShuffleNet.Inference;
using ShuffleNet.Models;
using ShuffleNet.Onnx.Export;
using ShuffleNet.Onnx.Runtime;
using ShuffleNet.Tests.Training;
using ShuffleNet.Training;

namespace ShuffleNet.Tests.Inference;

/// <summary>
/// Checkpoints as training writes them go to ONNX with the stem they were trained with (read from meta.stem), and
/// ONNX Runtime gives TorchSharp's logits: both graph builders, at the input size the stem's images get here.
/// </summary>
public class TrainedCheckpointExportTests
{

    public static TheoryData<int, int, bool, ExportMode> Stems()
    {
        var data = new TheoryData<int, int, bool, ExportMode>();
        foreach (var mode in Enum.GetValues<ExportMode>())
        {
            data.Add(1, 1, false, mode);   // Fashion-MNIST's small stem (StemOptions.SmallImages)
            data.Add(1, 1, true, mode);    // the default recipe's (`shufflenet train` with no arguments)
            data.Add(3, 2, true, mode);    // the paper's (ImageNet)
            data.Add(3, 1, false, mode);   // an RGB model trained with another stem
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Stems))]
    public void A_trained_checkpoint_exports_with_its_stem_and_onnx_runtime_gives_torchsharps_logits(
        int inChannels, int stride, bool maxPool, ExportMode mode)
    {
        // images the size at which stage 4 sees 2x2 pixels: at 1x1 the BatchNorm statistics of a few steps of
        // batches of 8 are too poor for eval-mode logits to stay in range; larger, the few steps leave them flat
        int size = 16 * stride * (maxPool ? 2 : 1);
        var dir = TinyRun.WorkDir();
        try
        {
            var config = TinyRun.Config($"model.stem.in_channels={inChannels}", $"model.stem.stride={stride}",
                $"model.stem.max_pool={maxPool}", "schedule.epochs=1");
            var path = new Trainer(config, dir, TinyRun.Data(channels: inChannels, size: size),
                TinyRun.Data(train: false, channels: inChannels, size: size)).Run().LatestCheckpoint;
            var checkpoint = CheckpointFile.Load(path);
            using var model = ShuffleNetV2Builder.FromCheckpoint(checkpoint, path);
            Assert.Equal(new StemOptions(inChannels, stride, maxPool), model.Backbone.Stem);

            // by default the input is what images of the stem's channel count get here: Fashion-MNIST's 28x28 or
            // the mmcls pipeline's 224x224 crop
            using (var byDefault = OrtClassifier.FromCheckpoint(checkpoint, path, export: new() { Mode = mode }))
            {
                int byDefaultSize = inChannels == 1 ? 28 : 224;
                Assert.Equal([inChannels, byDefaultSize, byDefaultSize], byDefault.ImageShape);
                Assert.Equal(["c0", "c1", "c2", "c3"], byDefault.Classes);
            }
            // the logits on the images the model was trained on: activations as in use, not random ones the tiny
            // model never learned to keep in range
            using var ort = OrtClassifier.FromCheckpoint(checkpoint, path,
                export: new() { Mode = mode, ImageSize = size });
            using var torch = new TorchClassifier(model, size);
            var images = TinyRun.Data(count: 8, train: false, channels: inChannels, size: size).Epoch(0).First().Images;

            var expected = torch.Run(images, 8);
            var actual = ort.Run(images, 8);

            double spread = Enumerable.Range(0, 4).Select(c => Enumerable.Range(0, 8).Select(i => expected[i * 4 + c]))
                .Max(logits => logits.Max() - logits.Min());
            Assert.InRange(spread, 1e-2, 1e3);   // a live network: logits that differ from image to image
            Assert.InRange(expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max(), 0, 1e-4);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void A_grayscale_checkpoint_without_its_stem_is_not_exported()
    {
        using var model = ShuffleNetV2Builder.Create(Width.X0_5, numClasses: 4, stem: StemOptions.SmallImages);
        var checkpoint = new Checkpoint(Weights.ToStateDict(model), null, new Dictionary<string, object?>());

        var e = Assert.Throws<OnnxExportException>(() => OnnxExporter.ExportToBytes(checkpoint, "gray.pth"));

        Assert.Contains("gray.pth", e.Message);
        Assert.Contains("meta['stem']", e.Message);
    }
}
