using ShuffleNet.Checkpoints;
using ShuffleNet.Evaluation;
using ShuffleNet.Models;
using ShuffleNet.Training;

namespace ShuffleNet.Tests.Training;

/// <summary>The fine-tuning toolkit (issue 21) in the trainer: exact resume, EMA checkpoints, early stopping.</summary>
public class TrainerToolkitTests
{
    [Theory]
    [InlineData("optimizer.type=AdamW", "optimizer.lr=0.002", "optimizer.weight_decay=0.05")]
    [InlineData("optimizer.nesterov=true", "optimizer.clip_grad.max_norm=0.5")]
    [InlineData("ema.momentum=0.2", "ema.interval=2")]
    [InlineData("model.batch_augments.mixup=0.8", "model.batch_augments.cutmix=1.0", "model.label_smoothing=0.1")]
    public void A_resumed_run_repeats_the_uninterrupted_one(params string[] options)
    {
        var config = TinyRun.Config(options);
        var whole = new TinyRun.Recorder();
        var wholeDir = TinyRun.WorkDir();
        new Trainer(config, wholeDir, TinyRun.Data(), TinyRun.Data(train: false), whole).Run();
        Assert.Equal(16, whole.Losses.Count);
        Assert.All(whole.Losses, l => Assert.True(double.IsFinite(l)));

        var dir = TinyRun.WorkDir();
        var first = new TinyRun.Recorder(stopAfter: 11);
        var stopped = new Trainer(config, dir, TinyRun.Data(), TinyRun.Data(train: false), first)
            .Run(cancel: first.Cancel.Token);
        var rest = new TinyRun.Recorder();
        new Trainer(config, dir, TinyRun.Data(), TinyRun.Data(train: false), rest).Run(stopped.LatestCheckpoint);
        Assert.Equal(whole.Losses, first.Losses.Concat(rest.Losses));
        // the weights saved (the averages with EMA) are the same to the bit
        var a = CheckpointFile.Load(Path.Combine(wholeDir, "latest.pth")).StateDict;
        var b = CheckpointFile.Load(Path.Combine(dir, "latest.pth")).StateDict;
        Assert.Equal(a.Keys, b.Keys);
        foreach (var (key, value) in a) Assert.True(value.Bytes.AsSpan().SequenceEqual(b[key].Bytes), key);
    }

    [Fact]
    public void With_EMA_checkpoints_hold_the_averages_and_validation_used_them()
    {
        var dir = TinyRun.WorkDir();
        var result = new Trainer(TinyRun.Config("ema.momentum=0.3"), dir, TinyRun.Data(), TinyRun.Data(train: false))
            .Run();
        var graph = (OrderedDictionary<object, object?>)TorchFile.Load(result.LatestCheckpoint)!;
        var swapped = Assert.IsType<OrderedDictionary<object, object?>>(graph["ema_state_dict"]);
        var averages = CheckpointFile.Load(result.LatestCheckpoint).StateDict;
        var raw = (TensorData)swapped["module.head.fc.weight"]!;
        Assert.False(raw.Bytes.AsSpan().SequenceEqual(averages["head.fc.weight"].Bytes));   // momentum 0.3: they differ
        Assert.Equal(16L, BitConverter.ToInt64(((TensorData)swapped["steps"]!).Bytes));
        // the reported validation is that of the model the checkpoint's state_dict builds (the averages)
        using var model = ShuffleNetV2Builder.FromCheckpoint(result.LatestCheckpoint);
        var again = Evaluator.Run(model, TinyRun.Data(train: false), 4);
        Assert.Equal(result.LastValidation!.Top1, again.Top1);
        Assert.Equal(result.LastValidation.Loss, again.Loss, 5);
        // best.pth: written by the same route, a model file: averages, no optimizer, no raw weights
        var best = (OrderedDictionary<object, object?>)TorchFile.Load(Path.Combine(dir, "best.pth"))!;
        Assert.False(best.ContainsKey("optimizer"));
        Assert.False(best.ContainsKey("ema_state_dict"));
        var e = Assert.Throws<CheckpointException>(() =>
            new Trainer(TinyRun.Config(), TinyRun.WorkDir(), TinyRun.Data(), null).Run(Path.Combine(dir, "best.pth")));
        Assert.Contains("model.load_from", e.Message);
    }

    [Fact]
    public void Early_stopping_ends_the_run_after_patience_validations_without_improvement()
    {
        // min_delta 200 points of top-1: no validation after the first can improve
        var config = TinyRun.Config("schedule.epochs=5", "early_stopping.patience=2", "early_stopping.min_delta=200");
        var notes = new TinyRun.Recorder();
        var result = new Trainer(config, TinyRun.WorkDir(), TinyRun.Data(), TinyRun.Data(train: false), notes).Run();
        Assert.True(result.EarlyStopped);
        Assert.False(result.Stopped);
        Assert.Equal(3, result.Position.Epoch);
        Assert.Equal(24, notes.Losses.Count);
        Assert.Contains(notes.Notes, n => n.Contains("early stopping after epoch 3", StringComparison.Ordinal));
        var meta = CheckpointFile.Load(result.LatestCheckpoint).Meta;
        Assert.Equal(2L, meta["early_stopping_wait"]);
        // a run killed after epoch 2 resumes from its epoch checkpoint and stops where this one did
        var epoch2 = Path.Combine(Path.GetDirectoryName(result.LatestCheckpoint)!, "epoch_2.pth");
        var resumed = new Trainer(config, TinyRun.WorkDir(), TinyRun.Data(), TinyRun.Data(train: false)).Run(epoch2);
        Assert.True(resumed.EarlyStopped);
        Assert.Equal(3, resumed.Position.Epoch);

        var off = new Trainer(TinyRun.Config("schedule.epochs=3"), TinyRun.WorkDir(), TinyRun.Data(),
            TinyRun.Data(train: false)).Run();
        Assert.False(off.EarlyStopped);
    }

    [Fact]
    public void A_resume_with_another_optimizer_type_is_refused_naming_the_key()
    {
        var dir = TinyRun.WorkDir();
        var sgd = new Trainer(TinyRun.Config("schedule.epochs=1"), dir, TinyRun.Data(), null).Run();
        var e = Assert.Throws<CheckpointException>(() =>
            new Trainer(TinyRun.Config("optimizer.type=AdamW"), TinyRun.WorkDir(), TinyRun.Data(), null)
                .Run(sgd.LatestCheckpoint));
        Assert.Contains("optimizer.type", e.Message);
    }
}
