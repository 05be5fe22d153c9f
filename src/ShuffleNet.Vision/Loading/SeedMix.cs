namespace ShuffleNet.Vision.Loading;

/// <summary>
/// Seeds for <see cref="Random"/> made from a few numbers (seed, epoch, index...): SplitMix64's finaliser, stable
/// across processes and .NET versions (unlike <see cref="HashCode.Combine{T1, T2}"/>), so nearby inputs give unrelated
/// seeds. Each caller packs its numbers into one 64-bit value its own way; recorded runs depend on that packing.
/// </summary>
public static class SeedMix
{
    /// <summary>SplitMix64's increment (2^64 / golden ratio), the multiplier callers pack their inputs with.</summary>
    public const ulong Gamma = 0x9E3779B97F4A7C15UL;

    /// <summary>SplitMix64's finaliser of <paramref name="z"/>, its low 31 bits: a non-negative seed.</summary>
    public static int Finish(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)((z ^ (z >> 31)) & 0x7FFFFFFF);
    }
}
