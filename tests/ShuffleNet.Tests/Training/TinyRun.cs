using ShuffleNet.Training;

namespace ShuffleNet.Tests.Training;

/// <summary>A tiny synthetic task for trainer tests: 64 grayscale 16x16 images of 4 classes, 0.5x with the small stem.</summary>
internal static class TinyRun
{
    public static TrainConfig Config(params string[] more) => ConfigLoader.Parse("{}", "tiny",
    [
        "model.width=0.5x", "model.num_classes=4", "model.stem.in_channels=1", "model.stem.stride=1", "model.stem.max_pool=false",
        "data.dataset=fashion_mnist", "data.batch_size=8", "optimizer.lr=0.05", "optimizer.base_batch_size=0",
        "schedule.epochs=2", "schedule.policy=cosine", "schedule.warmup=none", "run.log_interval=2", .. more,
    ]);

    /// <summary>Each class is a bright band at its own rows, plus noise.</summary>
    public static InMemorySource Data(int count = 64, int batchSize = 8, int classes = 4, bool train = true)
    {
        var rng = new Random(7);
        var images = new byte[count * 16 * 16];
        var labels = new long[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = i % classes;
            for (int p = 0; p < 256; p++)
                images[i * 256 + p] = (byte)(rng.Next(60) + (p / 16 / 4 == labels[i] % 4 ? 180 : 0));
        }
        return new InMemorySource(images, labels, [1, 16, 16], [.. Enumerable.Range(0, classes).Select(c => $"c{c}")], 0.3f, 0.3f, batchSize,
            train ? new Augment(2, true, 0) : null);
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
