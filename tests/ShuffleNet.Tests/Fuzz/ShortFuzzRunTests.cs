using ShuffleNet.Fuzz;

namespace ShuffleNet.Tests.Fuzz;

/// <summary>
/// The fuzzer's short run in CI (fuzz/README.md has the long one): a fixed seed, so every run tries the same inputs
/// and a crash found here is reproduced by <c>ShuffleNet.Fuzz input TARGET 16 INDEX FILE</c>.
/// </summary>
public class ShortFuzzRunTests
{
    private const int Seed = 16;

    [Theory]
    [InlineData("unpickler", 1500)]
    [InlineData("zip", 1000)]
    [InlineData("legacy", 1000)]
    [InlineData("image", 2000)]
    [InlineData("config", 3000)]
    public void A_short_fuzz_run_finds_no_crash(string name, int inputs)
    {
        var target = Targets.Get(name, Paths.RepoRoot);
        // this process is shared with the other tests: its resident size and CPU time say little about one input
        // (allocations per input are counted exactly all the same)
        target = target with
        {
            Limits = target.Limits with { Time = 3 * target.Limits.Time, ResidentBytes = long.MaxValue },
        };
        var report = FuzzRunner.Run(target, Seed, 0, inputs);
        Assert.True(report.Crashes.Count == 0, report.ToString());
        // the mutants both pass and fail the first checks, so the run reaches past them
        Assert.InRange(report.Accepted, inputs / 50, inputs - inputs / 50);
    }
}
