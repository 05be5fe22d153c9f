using System.Text.Json;
using ShuffleNet.Checkpoints;
using ShuffleNet.Data;
using ShuffleNet.Models;
using ShuffleNet.Training;

namespace ShuffleNet.Tests.Training;

public class TrainerTests
{
    [Fact]
    public void A_resumed_run_repeats_the_losses_of_an_uninterrupted_one()
    {
        var config = TinyRun.Config();
        var whole = new TinyRun.Recorder();
        new Trainer(config, TinyRun.WorkDir(), TinyRun.Data(), TinyRun.Data(train: false), whole).Run();
        Assert.Equal(16, whole.Losses.Count);

        var dir = TinyRun.WorkDir();
        var first = new TinyRun.Recorder(stopAfter: 11);   // mid-way through epoch 2
        var stopped = new Trainer(config, dir, TinyRun.Data(), TinyRun.Data(train: false), first)
            .Run(cancel: first.Cancel.Token);
        Assert.True(stopped.Stopped);
        Assert.Equal(11, stopped.Position.Iter);
        var rest = new TinyRun.Recorder();
        var resumed = new Trainer(config, dir, TinyRun.Data(), TinyRun.Data(train: false), rest)
            .Run(stopped.LatestCheckpoint);
        Assert.False(resumed.Stopped);
        Assert.Equal(whole.Losses, first.Losses.Concat(rest.Losses));
    }

    [Fact]
    public void A_run_leaves_checkpoints_an_mmcls_log_and_a_chart()
    {
        var dir = TinyRun.WorkDir();
        var result = new Trainer(TinyRun.Config("run.keep_checkpoints=1"), dir, TinyRun.Data(),
            TinyRun.Data(train: false)).Run();
        Assert.NotNull(result.LastValidation);
        var ckpt = CheckpointFile.Load(result.LatestCheckpoint);
        Assert.Equal(["c0", "c1", "c2", "c3"], ckpt.Classes);
        Assert.Equal(2L, ckpt.Meta["epoch"]);
        Assert.Equal(16L, ckpt.Meta["iter"]);
        Assert.True(File.Exists(Path.Combine(dir, "best.pth")));
        Assert.True(File.Exists(Path.Combine(dir, "epoch_2.pth")));
        Assert.False(File.Exists(Path.Combine(dir, "epoch_1.pth")));     // keep_checkpoints 1
        var lines = File.ReadAllLines(result.LogPath).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["train", "train", "train", "train", "val"], lines.Take(5).Select(l => l.GetProperty("mode")
            .GetString()));
        foreach (var key in new[] { "epoch", "iter", "lr", "time", "data_time", "memory",
            "loss" }) Assert.True(lines[0].TryGetProperty(key, out _), key);
        Assert.True(lines[4].TryGetProperty("accuracy_top-1", out _));
        Assert.True(lines[4].TryGetProperty("accuracy_top-5", out _));
        Assert.NotNull(result.ChartPath);
        Assert.True(new FileInfo(result.ChartPath!).Length > 1000);
        // test/predict rebuild the small stem from meta.stem
        var model = ShuffleNetV2Builder.FromCheckpoint(result.LatestCheckpoint);
        using (model) Assert.Equal(1, model.Backbone.Stem.InChannels);
    }

    [Fact]
    public void Labels_beyond_num_classes_stop_before_training_and_say_which_key_to_set()
    {
        var e = Assert.Throws<TrainingException>(() =>
            new Trainer(TinyRun.Config("model.num_classes=3"), TinyRun.WorkDir(), TinyRun.Data(), null).Run());
        Assert.Contains("labels up to 3", e.Message);
        Assert.Contains("model.num_classes=4", e.Message);
    }

    [Fact]
    public void An_unwritable_work_dir_is_an_error_naming_it()
    {
        var file = Path.GetTempFileName();   // a file where a folder should be: fails even for root
        var e = Assert.Throws<TrainingException>(() => new Trainer(TinyRun.Config(), Path.Combine(file, "run"),
            TinyRun.Data(), null).Run());
        Assert.Contains("not writable", e.Message);
        Assert.Contains("--work-dir", e.Message);
    }

    [Fact]
    public void Resuming_from_a_checkpoint_of_another_width_is_refused()
    {
        var path = Path.Combine(TinyRun.WorkDir(), "other.pth");
        using (var other = ShuffleNet.Models.ShuffleNetV2Builder.Create(Width.X1_0, 4, StemOptions.SmallImages))
            CheckpointFile.Save(path, Checkpoint.FromStateDict(ShuffleNet.Models.Weights.ToStateDict(other)));
        var e = Assert.Throws<CheckpointException>(() => new Trainer(TinyRun.Config(), TinyRun.WorkDir(),
            TinyRun.Data(), null).Run(path));
        Assert.Contains("ShuffleNetV2 1.0x", e.Message);
        Assert.Contains("trains ShuffleNetV2 0.5x", e.Message);
    }

    [Fact]
    public void Fine_tuning_with_another_num_classes_reinitialises_the_head_and_says_so()
    {
        var dir = TinyRun.WorkDir();
        var pretrained = new Trainer(TinyRun.Config("schedule.epochs=1"), dir, TinyRun.Data(), null).Run();
        var notes = new TinyRun.Recorder();
        new Trainer(TinyRun.Config("schedule.epochs=1", "model.num_classes=6",
            $"model.load_from={pretrained.LatestCheckpoint}", "model.frozen_stages=2"),
            TinyRun.WorkDir(), TinyRun.Data(classes: 6), null, notes).Run();
        Assert.Contains(notes.Notes, n => n.Contains("head re-initialised", StringComparison.Ordinal)
            && n.Contains("4 classes", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_dataset_says_how_to_install_it()
    {
        var e = Assert.Throws<DataException>(() =>
            TrainData.Create(TinyRun.Config("data.root=/nonexistent/fashion-mnist")));
        Assert.Contains("apt-get install dataset-fashion-mnist", e.Message);
    }

    [Fact]
    public void An_empty_dataset_is_refused() =>
        Assert.Contains("empty", Assert.Throws<DataException>(() => TinyRun.Data(count: 0)).Message);

    [Fact]
    public void A_diverging_loss_stops_with_a_clear_message()
    {
        var e = Assert.Throws<TrainingException>(() => new Trainer(TinyRun.Config("optimizer.lr=1e38",
            "schedule.epochs=1"), TinyRun.WorkDir(), TinyRun.Data(), null).Run());
        Assert.Contains("diverged", e.Message);
        Assert.Contains("optimizer.lr", e.Message);
    }
}
