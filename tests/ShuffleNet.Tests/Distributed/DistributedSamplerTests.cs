using System.Text.Json;
using ShuffleNet.Distributed;

namespace ShuffleNet.Tests.Distributed;

public class DistributedSamplerTests
{
    // written by tools/reference/make_sampler_fixture.py with PyTorch 1.13's DistributedSampler
    private static readonly JsonElement[] Cases =
        [.. JsonDocument.Parse(File.ReadAllText(Path.Combine(Paths.RepoRoot, "tests", "ShuffleNet.Tests", "Distributed",
            "sampler.json"))).RootElement.EnumerateArray()];

    [Fact]
    public void Every_rank_gets_what_pytorchs_sampler_gives_for_the_same_epoch_permutation()
    {
        Assert.True(Cases.Length >= 200);
        foreach (var c in Cases)
        {
            int n = c.GetProperty("n").GetInt32(), world = c.GetProperty("world").GetInt32();
            bool dropLast = c.GetProperty("drop_last").GetBoolean();
            int[] perm = [.. c.GetProperty("perm").EnumerateArray().Select(e => e.GetInt32())];
            var ranks = c.GetProperty("ranks").EnumerateArray().ToArray();
            for (int r = 0; r < world; r++)
            {
                int[] want = [.. ranks[r].EnumerateArray().Select(e => e.GetInt32())];
                Assert.True(want.SequenceEqual(DistributedSampler.Indices(perm, r, world, dropLast)),
                    $"n {n}, world {world}, rank {r}, drop_last {dropLast}, epoch {c.GetProperty("epoch")}: want " +
                        $"[{string.Join(",", want)}]");
                Assert.Equal(want.Length, DistributedSampler.NumSamples(n, world, dropLast));
            }
        }
    }

    [Fact]
    public void Padding_repeats_the_first_indices_and_drop_last_cuts_the_tail()
    {
        int[] order = [4, 0, 3, 1, 2];
        Assert.Equal([4, 1], DistributedSampler.Indices(order, 0, 3, dropLast: false));
        Assert.Equal([3, 4], DistributedSampler.Indices(order, 2, 3, dropLast: false));   // padded with order[0]
        Assert.Equal([3], DistributedSampler.Indices(order, 2, 3, dropLast: true));
        Assert.Equal([4, 4], DistributedSampler.Indices([4], 0, 2, dropLast: false)
            .Concat(DistributedSampler.Indices([4], 1, 2, dropLast: false)));
        Assert.Empty(DistributedSampler.Indices([4], 1, 2, dropLast: true));
    }

    [Fact]
    public void A_rank_outside_the_world_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => DistributedSampler.Indices([0, 1], 2, 2, dropLast: false));
}
