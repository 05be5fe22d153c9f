namespace ShuffleNet.Data;

/// <summary>One batch as plain arrays; the trainer turns it into tensors inside the step's dispose scope.</summary>
/// <param name="Images"><c>[N, C, H, W]</c> float32, normalised, row-major.</param>
/// <param name="Labels">Class index per image.</param>
/// <param name="Shape">The image tensor's shape <c>[N, C, H, W]</c>.</param>
/// <param name="Indices">Each image's index in its dataset, where the source knows it (to find an image again, e.g. to
/// show it in a report).</param>
public sealed record TrainBatch(float[] Images, long[] Labels, long[] Shape, int[]? Indices = null);

/// <summary>
/// A dataset as the trainer and evaluator see it: a fixed number of batches per epoch whose order and augmentation
/// depend only on the source's seed and the epoch, so a run resumed at batch k of epoch e sees exactly the batches
/// an uninterrupted run would have.
/// </summary>
public interface IBatchSource
{
    /// <summary>Images in the dataset.</summary>
    int Count { get; }

    /// <summary>Batches that <see cref="Epoch"/> yields.</summary>
    int BatchesPerEpoch { get; }

    /// <summary>Class names in label order (<c>CLASSES</c> in checkpoints).</summary>
    IReadOnlyList<string> Classes { get; }

    /// <summary>The largest label in the data (to check it against the head before training starts).</summary>
    int MaxLabel { get; }

    /// <summary>The batches of <paramref name="epoch"/> (0-based) from <paramref name="startBatch"/> on.</summary>
    IEnumerable<TrainBatch> Epoch(int epoch, int startBatch = 0);
}
