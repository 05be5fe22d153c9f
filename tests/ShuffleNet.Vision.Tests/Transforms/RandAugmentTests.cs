using ShuffleNet.Vision.Decoding;
using ShuffleNet.Vision.Transforms;

namespace ShuffleNet.Vision.Tests.Transforms;

public class RandAugmentTests
{
    private static ImageU8 Rgb() => AugmentCase.Get(0).Image();   // the fixture's 32x32 RGB crop

    private static ImageU8 Gray() =>
        Enumerable.Range(0, 200).Select(AugmentCase.Get).First(c => c.Channels == 1).Image();

    private static RandAugment Rand(double std = 0.5) =>
        new(RandAugment.TimmIncreasing, 2, new AugmentSettings(MagnitudeLevel: 9, MagnitudeStd: std));

    private static List<byte[]> Run(IImageTransform t, Func<ImageU8> source, int seed, int n = 40)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => { using var o = t.Apply(source(), rng); return o.ToArray(); })];
    }

    [Fact]
    public void The_same_seed_gives_the_same_images_and_another_seed_others()
    {
        foreach (IImageTransform t in new IImageTransform[]
                 { Rand(), new AutoAugment(AutoAugment.ImageNet, new AugmentSettings()) })
        {
            var a = Run(t, Rgb, 11);
            var b = Run(t, Rgb, 11);
            var c = Run(t, Rgb, 12);
            Assert.Equal(a, b);
            Assert.NotEqual(a, c);
            var original = Rgb().ToArray();
            Assert.Contains(a, x => !x.SequenceEqual(original));   // it does change images
        }
    }

    [Fact]
    public void Grayscale_images_stay_one_channel_of_the_same_size()
    {
        var rng = new Random(3);
        for (int i = 0; i < 200; i++)
        {
            using var o = Rand().Apply(Gray(), rng);
            Assert.Equal((28, 28, 1), (o.Width, o.Height, o.Channels));
        }
    }

    [Theory]   // mmpretrain: magnitude = level / total * (val2 - val1) + val1
    [InlineData(9, 10, 0, 30, 27)]
    [InlineData(9, 10, 4, 0, 0.4)]
    [InlineData(9, 10, 256, 0, 25.6)]
    [InlineData(9, 10, 0, 110, 99)]
    [InlineData(9, 10, 0, 0.9, 0.81)]
    [InlineData(0, 10, 0, 0.45, 0)]
    [InlineData(10, 10, 256, 0, 0)]
    [InlineData(5, 30, 0, 30, 5)]
    public void Without_noise_the_level_maps_linearly_onto_the_range(double level, double total, double from,
        double to, double expected)
    {
        var rng = new Random(0);
        Assert.Equal(expected, RandAugment.SampleMagnitude(level, 0, total, from, to, rng), 12);
        Assert.Equal(new Random(0).Next(), rng.Next());   // std 0 draws nothing
    }

    [Fact]
    public void With_noise_the_level_is_gaussian_around_it_and_clipped_to_the_total()
    {
        var rng = new Random(1);
        double[] Draws(double level) =>
            [.. Enumerable.Range(0, 20000).Select(_ => RandAugment.SampleMagnitude(level, 0.5, 10, 0, 30, rng))];
        var draws = Draws(5);
        double mean = draws.Average(), sd = Math.Sqrt(draws.Select(d => (d - mean) * (d - mean)).Average());
        Assert.InRange(mean, 14.9, 15.1);   // level 5 of 10 over (0, 30)
        Assert.InRange(sd, 1.45, 1.55);     // 0.5 level = 1.5 degrees
        // at level 9.5 the noise often passes 10: clipped there, so never beyond the range's end
        var high = Draws(9.5);
        Assert.Equal(30, high.Max(), 12);
        Assert.InRange(high.Count(h => h == 30) / 20000.0, 0.13, 0.19);   // P(N(9.5, 0.5) > 10) = 0.159
        var uniform = Enumerable.Range(0, 20000)
            .Select(_ => RandAugment.SampleMagnitude(8, double.PositiveInfinity, 10, 0, 10, rng)).ToArray();
        Assert.InRange(uniform.Min(), 0, 0.01);
        Assert.InRange(uniform.Max(), 7.99, 8);   // mmpretrain's 'inf': uniform in [0, level]
    }

    [Fact]
    public void Policies_are_drawn_uniformly_with_replacement_and_reproducibly()
    {
        var t = Rand();
        var rng = new Random(5);
        var draws = Enumerable.Range(0, 30000).Select(_ => t.SampleIndices(rng)).ToArray();
        Assert.All(draws, d => Assert.Equal(2, d.Length));
        var counts = draws.SelectMany(d => d).GroupBy(i => i).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(15, counts.Count);
        Assert.All(counts.Values, n => Assert.InRange(n, 60000 / 15 * 0.9, 60000 / 15 * 1.1));
        Assert.InRange(draws.Count(d => d[0] == d[1]) / 30000.0, 1 / 15.0 * 0.85, 1 / 15.0 * 1.15);
        var again = new Random(5);
        Assert.All(draws.Take(100), d => Assert.Equal(d, t.SampleIndices(again)));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.3)]
    [InlineData(1.0)]
    public void An_op_runs_with_its_probability_and_signed_ops_flip_sign_half_the_time(double prob)
    {
        // Brightness by +-0.5: brighter when the sign stays, darker when it flips
        var op = new AugmentOp(AugmentKind.Brightness, prob, Magnitude: 0.5);
        var rng = new Random(9);
        int ran = 0, brighter = 0;
        var src = Rgb().ToArray();
        for (int i = 0; i < 4000; i++)
        {
            using var o = op.Apply(Rgb(), rng, new AugmentSettings());
            long diff = o.ToArray().Zip(src, (a, b) => (long)a - b).Sum();
            if (diff != 0) ran++;
            if (diff > 0) brighter++;
        }
        Assert.InRange(ran / 4000.0, prob - 0.03, prob + 0.03);
        if (prob > 0) Assert.InRange(brighter / (double)ran, 0.45, 0.55);
    }

    [Fact]
    public void Timm_increasing_and_imagenet_are_mmpretrains_tables()
    {
        var t = RandAugment.TimmIncreasing;
        Assert.Equal(15, t.Count);
        Assert.All(t, op => Assert.Equal(0.5, op.Prob));
        Assert.Equal(
            "AutoContrast Equalize Invert Rotate Posterize Solarize SolarizeAdd ColorTransform Contrast Brightness " +
            "Sharpness Shear Shear Translate Translate", string.Join(' ', t.Select(op => op.Kind)));
        Assert.Equal((4.0, 0.0), t[4].Range);
        Assert.Equal((256.0, 0.0), t[5].Range);
        Assert.Equal((0.0, 0.45), t[14].Range);
        Assert.True(t[14].Vertical);
        var a = AutoAugment.ImageNet;
        Assert.Equal(25, a.Count);
        Assert.All(a, sub => Assert.Equal(2, sub.Count));
        Assert.Equal(new AugmentOp(AugmentKind.Posterize, 0.4, 4), a[0][0]);
        Assert.Equal(new AugmentOp(AugmentKind.Rotate, 0.6, 30), a[0][1]);
        Assert.Equal(256.0 / 9 * 4, a[1][0].Magnitude);
        Assert.Equal(new AugmentOp(AugmentKind.Shear, 0.6, 0.3 / 9 * 5), a[18][0]);
        Assert.Equal(new AugmentOp(AugmentKind.Contrast, 1, 0.8), a[23][1]);
    }

    [Fact]
    public void Unknown_policy_names_are_refused_naming_the_known_ones()
    {
        Assert.Contains("timm_increasing", Assert.Throws<ArgumentException>(() => RandAugment.Named("rand")).Message);
        Assert.Contains("imagenet", Assert.Throws<ArgumentException>(() => AutoAugment.Named("cifar10")).Message);
    }
}
