namespace ShuffleNet.Fuzz;

/// <summary>Per-input guards: past any of them an input counts as a crash (a time or memory blow-up).</summary>
/// <param name="Time">CPU time one input may take (the watchdog stops one past ten times it in wall time).</param>
/// <param name="ManagedBytes">Managed bytes one input may allocate (measured on the fuzzing thread).</param>
/// <param name="ResidentBytes">Resident memory the process may grow by while an input runs (native memory too).</param>
internal sealed record Limits(TimeSpan Time, long ManagedBytes, long ResidentBytes);

/// <summary>
/// One thing to fuzz: its seed inputs, how to mutate one, what to run on it, and the exception type that documents
/// "bad input" (any other exception is a crash).
/// </summary>
internal sealed record FuzzTarget(
    string Name,
    IReadOnlyList<byte[]> Seeds,
    Func<Random, byte[], IReadOnlyList<byte[]>, byte[]> Mutation,
    Action<byte[]> Run,
    Type BadInput,
    Limits Limits)
{
    /// <summary>
    /// Input <paramref name="index"/> of the run seeded <paramref name="seed"/>: a seed file and one to four mutations,
    /// drawn from a generator seeded by (seed, index) alone, so any input can be made again without the ones before it.
    /// </summary>
    public byte[] Input(int seed, long index)
    {
        var rng = new Random(Mix(seed, index));
        var input = Seeds[rng.Next(Seeds.Count)];
        for (int rounds = rng.Next(4) == 0 ? rng.Next(2, 5) : 1; rounds > 0; rounds--)
            input = Mutation(rng, input, Seeds);
        return input;
    }

    // SplitMix64 finaliser: nearby (seed, index) pairs give unrelated generators
    private static int Mix(int seed, long index)
    {
        ulong z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)index + 0x632BE59BD9B4E019UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)(z ^ (z >> 31));
    }
}
