using ShuffleNet.Data;
using ShuffleNet.Onnx.Quantization;
using ShuffleNet.Training;
using ShuffleNet.Vision.Datasets;
using ShuffleNet.Vision.Decoding;
using ShuffleNet.Vision.Transforms;

namespace ShuffleNet.Cli.Commands;

/// <summary>
/// The images <c>shufflenet quantize</c> calibrates on and the held-out images its gate evaluates, as the model
/// expects them (preprocessed, normalised).
/// </summary>
/// <remarks>
/// Fashion-MNIST: calibration on training images (a seeded sample), the gate on the 10,000 test images with labels.
/// An image folder: calibration on random resized crops and flips of its files (the training augmentation, seeded, so
/// a few photos still give many views), the gate on the evaluation pipeline's center crops of its files; labels where
/// its sub-folders are the model's classes.
/// </remarks>
internal sealed record QuantizeData(List<ImageBatch> Calibration, IEnumerable<ImageBatch> HeldOut, string Source)
{
    private const int BatchSize = 32;

    public static QuantizeData Load(string spec, string checkpointPath, int inChannels, IReadOnlyList<string>? classes,
        int calibrationImages, int heldOutImages, int seed)
    {
        var root = spec is "fashion-mnist" or "fashion_mnist" ? IdxDataset.FashionMnistDefaultDir : spec;
        bool idx = File.Exists(Path.Combine(root, "t10k-images-idx3-ubyte.gz")) || File.Exists(Path.Combine(root,
            "t10k-images-idx3-ubyte"));
        if (idx || !Directory.Exists(root))
        {
            if (inChannels != 1)
                throw new ArgumentException($"--calibration {spec}: Fashion-MNIST is grayscale, the model takes " +
                    $"{inChannels}-channel images; give an image folder");
            // shuffled, not augmented
            var train = TrainData.FashionMnist(root, train: true, BatchSize, seed,
                Presets.FashionMnistTrain(pad: 0, flip: false));
            var test = TrainData.FashionMnist(root, train: false, BatchSize);
            return new QuantizeData(Take(train.Epoch(0), calibrationImages).ToList(), Take(test.Epoch(0),
                heldOutImages), $"Fashion-MNIST in {root}");
        }
        return Folder(root, checkpointPath, inChannels, classes, calibrationImages, heldOutImages, seed);
    }

    private static QuantizeData Folder(string root, string checkpointPath, int inChannels,
        IReadOnlyList<string>? classes, int calibrationImages, int heldOutImages, int seed)
    {
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => ImageFolderDataset.DefaultExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                .Order(StringComparer.Ordinal).ToArray();
        if (files.Length == 0)
            throw new ArgumentException($"--calibration '{root}' holds no images " +
                $"({string.Join(" ", ImageFolderDataset.DefaultExtensions)})");
        // labels where the sub-folders are the model's classes (root/<class>/<image>, as `shufflenet test` reads them)
        var folders = Directory.GetDirectories(root).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        bool labelled = classes is not null && folders.Count > 0 && folders.SequenceEqual(classes);
        int? Label(string file) => labelled ? folders.IndexOf(Path.GetRelativePath(root, file)
            .Split(Path.DirectorySeparatorChar)[0]) : null;

        var order = files.ToArray();
        new Random(seed).Shuffle(order);
        // the gate reads its images as predict and test do, with the checkpoint's own resize
        var eval = Common.EvalPipeline(checkpointPath, inChannels, resize: null);
        var augment = inChannels == 1 ? Presets.FashionMnistPredict() : Presets.ImageNetTrain(regionDecode: false);
        var decoder = ImageDecoder.Default;
        var calibration = Enumerable.Range(0, calibrationImages).Select(i =>
            (augment.Run(decoder.Decode(order[i % order.Length]), new Random(HashCode.Combine(seed, i))), (int?)null));
        var heldOut = order.Take(heldOutImages).Select(f => (eval.Run(decoder.Decode(f)), Label(f)));
        // held-out images are decoded as the gate reads them, a batch at a time
        return new QuantizeData(Batches(calibration).ToList(), Batches(heldOut), $"{files.Length} images in {root}");
    }

    private static IEnumerable<ImageBatch> Take(IEnumerable<TrainBatch> batches, int images)
    {
        foreach (var b in batches)
        {
            int n = Math.Min(b.Labels.Length, images);
            if (n <= 0) yield break;
            int size = b.Images.Length / b.Labels.Length;
            yield return new ImageBatch(b.Images[..(n * size)], n, b.Labels[..n].Select(l => (int)l).ToArray());
            images -= n;
        }
    }

    private static IEnumerable<ImageBatch> Batches(IEnumerable<(float[] Image, int? Label)> images) =>
        images.Chunk(BatchSize).Select(chunk => new ImageBatch(chunk.SelectMany(c => c.Image).ToArray(), chunk.Length,
            chunk.All(c => c.Label is not null) ? chunk.Select(c => c.Label!.Value).ToArray() : null));
}
