namespace ShuffleNet.Training;

/// <summary>Builds the training and validation sources a config names.</summary>
public static class TrainData
{
    /// <summary>Images per evaluation batch: no gradients are kept, so larger batches than training are fine.</summary>
    public const int EvalBatchSize = 500;

    /// <summary>The training source (shuffled, augmented) and the validation source (file order) of <paramref name="config"/>.</summary>
    /// <exception cref="TrainingException">The data is missing, empty or malformed, or the dataset kind is not available yet.</exception>
    public static (IBatchSource Train, IBatchSource Val) Create(TrainConfig config)
    {
        var d = config.Data;
        if (d.Dataset == "fashion_mnist")
        {
            if (config.Model.Stem.InChannels != 1)
                throw new ConfigException($"Fashion-MNIST is grayscale: 'model.stem.in_channels' must be 1, not {config.Model.Stem.InChannels}");
            return (FashionMnist.Load(d.Root, train: true, d.BatchSize, config.Run.Seed, d.Pad, d.Flip),
                    FashionMnist.Load(d.Root, train: false, EvalBatchSize, config.Run.Seed));
        }
        // The image-folder pipeline (decode, RandomResizedCrop + flip, ResizeEdge + CenterCrop) belongs to ShuffleNet.Vision's
        // parallel loader; an IBatchSource over it plugs in here.
        throw new TrainingException($"data.dataset '{d.Dataset}' needs ShuffleNet.Vision's image loader, which this build does not have yet; " +
                                    "data.dataset 'fashion_mnist' works now");
    }
}
