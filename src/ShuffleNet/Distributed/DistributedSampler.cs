namespace ShuffleNet.Distributed;

/// <summary>
/// The index arithmetic of PyTorch's <c>torch.utils.data.DistributedSampler</c> (and mmengine's <c>DefaultSampler</c>,
/// whose <c>round_up=True</c> is <c>drop_last=False</c>): pad the epoch's order by repeating its first indices up to a
/// multiple of the world size (or, with <c>drop_last</c>, cut it to one), then give rank r every world-th index from r.
/// The epoch's order is an input: PyTorch draws it with <c>torch.randperm(n, generator.manual_seed(seed + epoch))</c>,
/// which .NET cannot reproduce, so callers pass their own shuffle (the same on every rank) or the identity.
/// </summary>
public static class DistributedSampler
{
    /// <summary>Samples each rank gets per epoch (PyTorch's <c>num_samples</c>).</summary>
    public static int NumSamples(int count, int worldSize, bool dropLast) =>
        dropLast && count % worldSize != 0
            // floor-like for n >= world; 0 when n < world, as Python's ceil
            ? (int)Math.Ceiling((double)(count - worldSize) / worldSize)
            : (count + worldSize - 1) / worldSize;

    /// <summary>
    /// The indices of <paramref name="rank"/> for an epoch whose whole order is <paramref name="order"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The rank is outside the world, or the world is empty.</exception>
    public static int[] Indices(IReadOnlyList<int> order, int rank, int worldSize, bool dropLast)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(worldSize, 1);
        if (rank < 0 || rank >= worldSize) throw new ArgumentOutOfRangeException(nameof(rank), rank,
            $"rank must be in 0..{worldSize - 1}");
        int n = order.Count, perRank = NumSamples(n, worldSize, dropLast), total = perRank * worldSize;
        var result = new int[perRank];
        // index i of the padded list is order[i mod n]: PyTorch's indices += indices[:pad] (repeated when pad > n)
        for (int k = 0; k < perRank; k++) result[k] = order[(rank + k * worldSize) % n];
        return total == 0 ? [] : result;
    }
}
