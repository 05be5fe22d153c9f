using ShuffleNet.Vision.Transforms;

namespace ShuffleNet.Vision.Tests.Transforms;

public class RandomErasingTests
{
    [Fact]
    public void Erases_one_rectangle_in_every_channel_within_the_area_and_ratio_bounds_and_nothing_else()
    {
        const int C = 3, H = 28, W = 40;
        var erasing = new RandomErasing(probability: 1);
        var rng = new Random(7);
        int erased = 0;
        for (int trial = 0; trial < 500; trial++)
        {
            var x = Enumerable.Range(0, C * H * W).Select(i => 1f + i).ToArray();   // no zeros before erasing
            erasing.Apply(x, C, H, W, rng);
            var zero = Enumerable.Range(0, H * W).Where(p => x[p] == 0).ToList();
            if (zero.Count == 0) continue;   // all 10 tries failed to fit: allowed, rare
            erased++;
            int y0 = zero.Min(p => p / W), y1 = zero.Max(p => p / W), x0 = zero.Min(p => p % W),
                x1 = zero.Max(p => p % W);
            int h = y1 - y0 + 1, w = x1 - x0 + 1;
            Assert.Equal(h * w, zero.Count);   // a filled rectangle
            for (int c = 0; c < C; c++)
                for (int p = 0; p < H * W; p++)
                {
                    bool inside = p / W >= y0 && p / W <= y1 && p % W >= x0 && p % W <= x1;
                    Assert.Equal(inside ? 0f : 1f + c * H * W + p, x[c * H * W + p]);
                }
            // sides are rounded from sqrt(area * ratio) and sqrt(area / ratio): allow half a pixel on each
            Assert.InRange(h * w, (Math.Sqrt(0.02 * H * W) - 1) * (Math.Sqrt(0.02 * H * W) - 1) * 0.3,
                H * W / 3.0 * 1.3);
            Assert.InRange((double)h / w, 0.3 * 0.5, 1 / 0.3 * 2);
        }
        Assert.InRange(erased, 400, 500);
    }

    [Fact]
    public void Erases_about_as_often_as_its_probability_and_is_reproducible_from_the_seed()
    {
        var erasing = new RandomErasing(probability: 0.5);
        int Count(int seed)
        {
            var rng = new Random(seed);
            return Enumerable.Range(0, 2000).Count(_ => erasing.Sample(28, 28, rng) is not null);
        }
        Assert.InRange(Count(1), 900, 1100);
        Assert.Equal(Count(3), Count(3));
        var none = new RandomErasing(probability: 0);
        var rng0 = new Random(0);
        Assert.All(Enumerable.Range(0, 100), _ => Assert.Null(none.Sample(28, 28, rng0)));
    }

    [Theory]
    [InlineData(1.5, 0.02, 0.33, 0.3, 3.3)]
    [InlineData(0.5, 0.5, 0.2, 0.3, 3.3)]
    [InlineData(0.5, 0.02, 0.33, 0, 3.3)]
    public void Bad_parameters_are_refused(double p, double minArea, double maxArea, double minRatio,
        double maxRatio) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomErasing(p, minArea, maxArea, minRatio, maxRatio));
}
