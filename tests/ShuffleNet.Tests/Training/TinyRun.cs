using ShuffleNet.Data;
using ShuffleNet.Tests.Data;
using ShuffleNet.Training;
using ShuffleNet.Vision.Transforms;

namespace ShuffleNet.Tests.Training;

/// <summary>
/// A tiny synthetic task for trainer tests: 64 grayscale 16x16 images of 4 classes, 0.5x with the small stem.
/// </summary>
internal static class TinyRun
{
    public static TrainConfig Config(params string[] more) => ConfigLoader.Parse("{}", "tiny",
    [
        "model.width=0.5x", "model.num_classes=4", "model.stem.in_channels=1", "model.stem.stride=1",
            "model.stem.max_pool=false",
        "data.dataset=fashion_mnist", "data.batch_size=8", "optimizer.lr=0.05", "optimizer.base_batch_size=0",
        "schedule.epochs=2", "schedule.policy=cosine", "schedule.warmup=none", "run.log_interval=2", .. more,
    ]);

    /// <summary>Each class is a bright band at its own quarter of the rows, plus noise (in every channel).</summary>
    public static DatasetSource Data(int count = 64, int batchSize = 8, int classes = 4, bool train = true,
        int channels = 1, int size = 16)
    {
        var rng = new Random(7);
        int plane = size * size, length = channels * plane;
        var images = new byte[count * length];
        var labels = new long[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = i % classes;
            for (int p = 0; p < length; p++)
            {
                int band = p % plane / size * 4 / size;   // the row's quarter of the image
                images[i * length + p] = (byte)(rng.Next(60) + (band == labels[i] % 4 ? 180 : 0));
            }
        }
        var names = Enumerable.Range(0, classes).Select(c => $"c{c}").ToList();
        var dataset = new ArrayDataset(ArrayDataset.FromChw(images, count, channels, size, size), labels, channels,
            size, size,
            names);
        var mean = Enumerable.Repeat(0.3f, channels).ToArray();
        var normalize = new Normalize(mean, mean, inputScale: 255f, multiplyAdd: true);
        ITensorTransform[] augment = train ? [new PaddedRandomCrop(2), new RandomFlip(0.5)] : [];
        return new DatasetSource(dataset, new Pipeline([], normalize, size, size, augment), batchSize, train, seed: 0);
    }

    public static string WorkDir() => Directory.CreateTempSubdirectory("shufflenet-train-test-").FullName;

    /// <summary>Records every loss; cancels its token after <see cref="StopAfter"/> steps.</summary>
    public sealed class Recorder(int stopAfter = int.MaxValue) : ITrainListener
    {
        public int StopAfter { get; } = stopAfter;
        public List<double> Losses { get; } = [];
        public List<string> Notes { get; } = [];
        public CancellationTokenSource Cancel { get; } = new();
        public void Started(TrainPlan plan) { }
        public void Stepped(StepInfo step)
        {
            Losses.Add(step.Loss);
            if (Losses.Count >= StopAfter) Cancel.Cancel();
        }
        public void Validated(ValidationInfo validation) { }
        public void Note(string message) => Notes.Add(message);
    }
}
