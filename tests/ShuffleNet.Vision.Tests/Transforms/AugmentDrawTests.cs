using ShuffleNet.Vision.Decoding;
using ShuffleNet.Vision.Transforms;

namespace ShuffleNet.Vision.Tests.Transforms;

/// <summary>The order and use of the random draws, mmpretrain's: choice, then per op run?, level, sign.</summary>
public class AugmentDrawTests
{
    /// <summary>A <see cref="Random"/> that returns scripted values and fails on any draw beyond them.</summary>
    private sealed class Scripted(int[] ints, double[] doubles) : Random
    {
        private readonly Queue<int> _ints = new(ints);
        private readonly Queue<double> _doubles = new(doubles);
        public bool Done => _ints.Count == 0 && _doubles.Count == 0;
        public override int Next(int maxValue)
        {
            int v = _ints.Dequeue();
            Assert.InRange(v, 0, maxValue - 1);
            return v;
        }
        public override double NextDouble() => _doubles.Dequeue();
    }

    private static ImageU8 Rgb() => AugmentCase.Get(0).Image();

    [Fact]
    public void Rand_augment_draws_the_ops_first_then_run_level_and_sign_per_op()
    {
        var t = new RandAugment([new AugmentOp(AugmentKind.Rotate, Range: (0, 30))], 2,
            new AugmentSettings(MagnitudeLevel: 9, MagnitudeStd: 0.5));
        // ops 0 and 0; op 1: runs (0.4 <= 0.5), level 9 + 0.5 * z with u2 = 0.25 (z = 0), sign flips (0.3 < 0.5);
        // op 2: skipped (0.9 > 0.5), nothing more drawn
        var rng = new Scripted([0, 0], [0.4, 0.5, 0.25, 0.3, 0.9]);
        using var actual = t.Apply(Rgb(), rng);
        Assert.True(rng.Done);
        using var src = Rgb();
        // level 9 of 10 over (0, 30): 27 degrees, negated: -27 clockwise, i.e. Pillow's rotate(+27)
        using var expected = PillowAffine.Rotate(src, 27, Resample.Nearest, [128]);
        Assert.Equal(expected.ToArray(), actual.ToArray());
    }

    [Fact]
    public void Unsigned_ops_and_ops_without_magnitude_draw_only_whether_they_run()
    {
        var settings = new AugmentSettings(MagnitudeLevel: 9, MagnitudeStd: 0);
        foreach (var op in new AugmentOp[] { new(AugmentKind.Equalize), new(AugmentKind.Solarize, Range: (256, 0)),
                     new(AugmentKind.Posterize, Range: (4, 0)), new(AugmentKind.SolarizeAdd, Range: (0, 110)) })
        {
            var rng = new Scripted([], [0.1]);
            op.Apply(Rgb(), rng, settings).Dispose();
            Assert.True(rng.Done, op.ToString());
        }
    }

    [Fact]
    public void Auto_augment_draws_the_sub_policy_then_each_op()
    {
        var t = new AutoAugment(AutoAugment.ImageNet, new AugmentSettings());
        // sub-policy 14: ColorTransform 0.4 (p 0.6) then Contrast 0.8 (p 1); both run, first keeps its sign
        var rng = new Scripted([14], [0.2, 0.7, 0.99, 0.1]);
        using var actual = t.Apply(Rgb(), rng);
        Assert.True(rng.Done);
        var expected = Rgb();
        PillowEnhance.Color(expected, 1.4);
        PillowEnhance.Contrast(expected, 1 - 0.8);
        Assert.Equal(expected.ToArray(), actual.ToArray());
    }

    [Theory]
    [InlineData(1, 1, 3)]
    [InlineData(1, 1, 1)]
    [InlineData(2, 3, 3)]
    [InlineData(3, 2, 1)]
    public void Every_op_takes_tiny_images(int w, int h, int c)
    {
        var settings = new AugmentSettings(Interpolation: Resample.Bicubic);
        foreach (var kind in Enum.GetValues<AugmentKind>())
            foreach (var m in new[] { -0.9, 0.3, 30 })
            {
                var px = Enumerable.Range(0, w * h * c).Select(i => (byte)(i * 37)).ToArray();
                using var o = new AugmentOp(kind, Magnitude: m).Run(ImageU8.Wrap(px, w, h, c), m, settings);
                Assert.Equal((w, h, c), (o.Width, o.Height, o.Channels));
            }
    }
}
