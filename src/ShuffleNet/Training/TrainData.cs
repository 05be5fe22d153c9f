using ShuffleNet.Data;
using ShuffleNet.Vision.Datasets;
using ShuffleNet.Vision.Loading;
using ShuffleNet.Vision.Transforms;

namespace ShuffleNet.Training;

/// <summary>Builds the training and validation sources a config names.</summary>
public static class TrainData
{
    /// <summary>Images per evaluation batch: no gradients are kept, so larger batches than training are fine.</summary>
    public const int EvalBatchSize = 500;

    /// <summary>
    /// The training source (shuffled, augmented) and the validation source (file order) of <paramref name="config"/>.
    /// </summary>
    /// <exception cref="DataException">The data is missing, empty or malformed.</exception>
    /// <exception cref="ConfigException">The dataset kind is unknown or does not fit the stem.</exception>
    public static (IBatchSource Train, IBatchSource Val) Create(TrainConfig config)
    {
        var d = config.Data;
        if (d.Dataset == "fashion_mnist")
        {
            if (config.Model.Stem.InChannels != 1)
                throw new ConfigException($"Fashion-MNIST is grayscale: 'model.stem.in_channels' must be 1, not " +
                    $"{config.Model.Stem.InChannels}");
            var keep = ClassSubset.Parse(d.Classes, IdxDataset.FashionMnistClasses);
            return (FashionMnist(d.Root, train: true, d.BatchSize, config.Run.Seed,
                        Presets.FashionMnistTrain(d.Pad, d.Flip, d.RandomErasing, AugmentConfigs.Build(d)), keep),
                    FashionMnist(d.Root, train: false, EvalBatchSize, keep: keep));
        }
        if (d.Dataset == "image_folder") return ImageFolders(config);
        throw new ConfigException($"data.dataset '{d.Dataset}' is not known; use 'image_folder' or 'fashion_mnist'");
    }

    /// <summary>
    /// Fashion-MNIST's training (60,000) or test (10,000) split under <paramref name="root"/> (IDX files, gzipped or
    /// not) as a <see cref="DatasetSource"/>: training through <paramref name="trainPipeline"/> (default
    /// <see cref="Presets.FashionMnistTrain"/>), test through <see cref="Presets.FashionMnistEval"/>; with
    /// <paramref name="keep"/>, only those classes, relabelled in that order (<see cref="ClassSubset"/>).
    /// </summary>
    /// <exception cref="DataException">The folder or a file is missing or malformed; the message says how to install
    /// it.</exception>
    public static DatasetSource FashionMnist(string root, bool train, int batchSize, int seed = 0,
        Pipeline? trainPipeline = null,
        IReadOnlyList<int>? keep = null)
    {
        try
        {
            IImageDataset dataset = IdxDataset.FashionMnist(train, root);
            if (keep is not null) dataset = new ClassSubset(dataset, keep);
            var pipeline = train ? trainPipeline ?? Presets.FashionMnistTrain() : Presets.FashionMnistEval();
            return new DatasetSource(dataset, pipeline, batchSize, train, seed);
        }
        catch (DatasetException e)
        {
            throw new DataException($"Fashion-MNIST: {e.Message}; or pass --data FOLDER", e);
        }
    }

    /// <summary>
    /// mmpretrain's ImageNet layout under <c>data.root</c>: <c>train/&lt;class&gt;/...</c>, and
    /// <c>val/&lt;class&gt;/...</c> or <c>val/</c> with the annotation list <c>meta/val.txt</c>. Training:
    /// RandomResizedCrop + flip; validation: ResizeEdge + CenterCrop (the test pipeline). Decoding runs on
    /// <c>data.workers</c> threads.
    /// </summary>
    private static (IBatchSource Train, IBatchSource Val) ImageFolders(TrainConfig config)
    {
        var d = config.Data;
        if (config.Model.Stem.InChannels != 3)
            throw new ConfigException($"image folders are decoded to RGB: 'model.stem.in_channels' must be 3, not " +
                $"{config.Model.Stem.InChannels}");
        try
        {
            var train = new ImageFolderDataset(Path.Combine(d.Root, "train"));
            var valDir = Path.Combine(d.Root, "val");
            var annotations = Path.Combine(d.Root, "meta", "val.txt");
            IImageDataset val = File.Exists(annotations) ? new AnnotationListDataset(annotations, valDir, train.Classes)
                : new ImageFolderDataset(valDir);
            var trainLoader = new DataLoader(train, Presets.ImageNetTrain(d.CropSize, randomErasing: d.RandomErasing,
                    augment: AugmentConfigs.Build(d)),
                new LoaderOptions { BatchSize = d.BatchSize, Workers = d.Workers, Seed = config.Run.Seed,
                    Shuffle = true, DropLast = true });
            var valLoader = new DataLoader(val, Presets.ImageNetEval(d.ResizeEdge, d.CropSize),
                new LoaderOptions { BatchSize = d.BatchSize, Workers = d.Workers, Seed = config.Run.Seed,
                    Shuffle = false, DropLast = false });
            return (new LoaderSource(trainLoader), new LoaderSource(valLoader));
        }
        catch (DatasetException e)
        {
            throw new DataException($"data.root '{d.Root}': {e.Message}", e);
        }
    }
}
