using ShuffleNet.Checkpoints;
using ShuffleNet.Models;
using ShuffleNet.Training;

namespace ShuffleNet.Distributed;

/// <summary>
/// Resuming on another number of ranks: a checkpoint records <c>meta.world_size</c> (absent: 1) and its
/// <c>iters_per_epoch</c>, which shrink as ranks are added. The position is translated so the same share of the epoch
/// counts as done: <c>iter = epochs * ipe + inEpoch * savedWorld / world</c> (rounded down: a few batches of a partial
/// epoch may be seen twice). Model and momentum buffers load as they are.
/// </summary>
public static class WorldResume
{
    /// <summary><see cref="TrainingCheckpoint.Restore"/>, for a run of <paramref name="world"/> ranks over <paramref name="train"/>.</summary>
    /// <exception cref="CheckpointException">Unreadable, another architecture, no training state, or other data.</exception>
    public static TrainPosition Restore(string path, ImageClassifier model, Sgd sgd, IBatchSource train, int world)
    {
        int ipe = train.BatchesPerEpoch;
        int saved = CheckpointFile.Load(path).Meta.GetValueOrDefault("world_size") is long w && w >= 1 ? (int)w : 1;
        if (saved == world) return TrainingCheckpoint.Restore(path, model, sgd, ipe);
        int whole = train is ShardedSource s ? s.InnerBatchesPerEpoch : ipe;
        int savedIpe = DistributedSampler.NumSamples(whole, saved, dropLast: true);
        var pos = TrainingCheckpoint.Restore(path, model, sgd, savedIpe);   // still refuses other data or batch sizes
        long epochs = pos.Iter / savedIpe, inEpoch = pos.Iter % savedIpe;
        return pos with { Iter = epochs * ipe + inEpoch * saved / world };
    }
}
