using ShuffleNet.Vision.Loading;

namespace ShuffleNet.Vision.Tests.Loading;

public class SeedMixTests
{
    // SplitMix64 started at state 0 gives 0xE220A8397B1DCDAF, then 0x6E789E6AA1B965F4 (Vigna's splitmix64.c: the
    // state advances by Gamma before the finaliser); Finish keeps the low 31 bits
    [Theory]
    [InlineData(1UL, 0x7B1DCDAF)]
    [InlineData(2UL, 0x21B965F4)]
    public void Finish_is_SplitMix64s_finaliser_masked_to_31_bits(ulong steps, int expected) =>
        Assert.Equal(expected, SeedMix.Finish(unchecked(steps * SeedMix.Gamma)));

    [Fact]
    public void Finish_is_never_negative_and_spreads_nearby_inputs()
    {
        var seeds = Enumerable.Range(0, 1000).Select(i => SeedMix.Finish((ulong)i)).ToList();
        Assert.All(seeds, s => Assert.True(s >= 0));
        Assert.Equal(seeds.Count, seeds.Distinct().Count());
    }
}
