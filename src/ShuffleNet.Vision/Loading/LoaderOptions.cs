namespace ShuffleNet.Vision.Loading;

/// <summary>What to do with a sample that fails: unreadable, not an image, damaged, too large to process.</summary>
public enum CorruptImagePolicy
{
    /// <summary>
    /// Stop the epoch with the <see cref="Decoding.ImageDecodeException"/>, which names the file (default).
    /// </summary>
    Fail,

    /// <summary>
    /// Leave the sample out, whatever it failed with; the batch is filled with the samples after it and
    /// <see cref="Batch.Skipped"/> reports it with the reason.
    /// </summary>
    Skip,
}

/// <summary>Settings of a <see cref="DataLoader"/>.</summary>
public sealed record LoaderOptions
{
    /// <summary>Samples per batch.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Reshuffle the sample order every epoch (seeded by <see cref="Seed"/> and the epoch).</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Drop the last, incomplete batch of an epoch.</summary>
    public bool DropLast { get; init; }

    /// <summary>
    /// Seed of the order and of every sample's augmentation; results do not depend on <see cref="Workers"/>.
    /// </summary>
    public int Seed { get; init; }

    /// <summary>Worker threads that decode and augment.</summary>
    public int Workers { get; init; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>
    /// Bound on work done ahead of the consumer, in batches (at least one batch plus one sample per worker).
    /// </summary>
    public int PrefetchBatches { get; init; } = 2;

    /// <summary>Corrupt-image policy.</summary>
    public CorruptImagePolicy OnCorruptImage { get; init; } = CorruptImagePolicy.Fail;

    /// <summary>
    /// Called on the consuming thread, in order, for every sample left out under
    /// <see cref="CorruptImagePolicy.Skip"/>, including those of a final batch that ends up empty or dropped (which
    /// <see cref="Batch.Skipped"/> cannot report).
    /// </summary>
    public Action<SkippedSample>? OnSkipped { get; init; }

    internal void Validate()
    {
        if (BatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(BatchSize),
            $"batch size must be positive, got {BatchSize}");
        if (Workers <= 0) throw new ArgumentOutOfRangeException(nameof(Workers),
            $"workers must be positive, got {Workers}");
        if (PrefetchBatches <= 0) throw new ArgumentOutOfRangeException(nameof(PrefetchBatches),
            $"prefetch must be positive, got {PrefetchBatches}");
    }
}
