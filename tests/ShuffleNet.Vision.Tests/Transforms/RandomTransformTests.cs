using ShuffleNet.Vision.Decoding;
using ShuffleNet.Vision.Transforms;

namespace ShuffleNet.Vision.Tests.Transforms;

public class RandomTransformTests
{
    [Theory]
    [InlineData(375, 500)]
    [InlineData(300, 451)]
    [InlineData(1000, 100)]
    [InlineData(17, 19)]
    public void Random_resized_crop_boxes_lie_inside_with_area_and_ratio_in_range(int h, int w)
    {
        var rrc = new RandomResizedCrop(224);
        var rng = new Random(11);
        for (int i = 0; i < 2000; i++)
        {
            var box = rrc.SampleParams(h, w, rng);
            Assert.True(box.FitsIn(w, h), $"{box} outside {w}x{h}");
            if (box == rrc.Fallback(h, w)) continue;
            // the sides are real lengths rounded to integers: undo at most half a pixel each way
            double bw = box.Width, bh = box.Height, area = (double)h * w;
            Assert.True((bw + 0.5) * (bh + 0.5) >= 0.08 * area && (bw - 0.5) * (bh - 0.5) <= area,
                $"{box}: area out of range");
            Assert.True((bw + 0.5) / (bh - 0.5) >= 0.75 && (bw - 0.5) / (bh + 0.5) <= 4.0 / 3,
                $"{box}: ratio out of range");
        }
    }

    [Theory]
    [InlineData(1000, 100, 0, 433, 100, 133)]   // too tall: height narrowed to round(100 / (3/4)) = 133, centred
    [InlineData(100, 1000, 433, 0, 133, 100)]   // too wide: width narrowed to round(100 * 4/3) = 133
    [InlineData(100, 120, 0, 0, 120, 100)]      // ratio allowed: the whole image
    public void Random_resized_crop_falls_back_to_mmcls_central_crop(int h, int w, int x, int y, int cw, int ch)
    {
        // scale above 1 can never fit, so every attempt misses
        var rrc = new RandomResizedCrop(224, scaleMin: 2.0, scaleMax: 3.0);
        Assert.Equal(new CropBox(x, y, cw, ch), rrc.SampleParams(h, w, new Random(1)));
    }

    [Fact]
    public void Random_resized_crop_is_deterministic_per_seed_and_varies_across_seeds()
    {
        var rrc = new RandomResizedCrop(224);
        var a = Enumerable.Range(0, 50).Select(_ => 0).Select((_, i) => rrc.SampleParams(375, 500, new Random(i)))
            .ToArray();
        var b = Enumerable.Range(0, 50).Select((_, i) => rrc.SampleParams(375, 500, new Random(i))).ToArray();
        Assert.Equal(a, b);
        Assert.True(a.Distinct().Count() > 45);
    }

    [Fact]
    public void Random_resized_crop_output_is_the_pure_resized_crop_of_the_sampled_box()
    {
        var bytes = new byte[120 * 90 * 3];
        new Random(5).NextBytes(bytes);
        var rrc = new RandomResizedCrop(32);
        var box = rrc.SampleParams(90, 120, new Random(9));
        using var src = ImageU8.Wrap(bytes, 120, 90);
        using var expected = ResizedCrop.Apply(src, box, 32, 32, Resample.Bilinear);
        using var got = rrc.Apply(ImageU8.Wrap((byte[])bytes.Clone(), 120, 90), new Random(9));
        Assert.Equal(expected.ToArray(), got.ToArray());
        Assert.Contains("scale=(0.08, 1)", rrc.ToString());
    }

    [Fact]
    public void Flip_mirrors_images_and_tensors_identically()
    {
        var bytes = Enumerable.Range(0, 5 * 2 * 3).Select(i => (byte)i).ToArray();
        using var img = new RandomFlip(1.0).Apply(ImageU8.Wrap((byte[])bytes.Clone(), 5, 2), new Random(0));
        Assert.Equal(new byte[] { 12, 13, 14, 9, 10, 11 }, img.ToArray()[..6]);
        var chw = new float[] { 1, 2, 3, 4, 5, 6 };
        new RandomFlip(1.0).Apply(chw, 2, 1, 3, new Random(0));
        Assert.Equal(new float[] { 3, 2, 1, 6, 5, 4 }, chw);
        using var kept = new RandomFlip(0.0).Apply(ImageU8.Wrap((byte[])bytes.Clone(), 5, 2), new Random(0));
        Assert.Equal(bytes, kept.ToArray());
    }

    [Fact]
    public void Padded_random_crop_equals_the_peers_pad_then_crop_in_normalized_units()
    {
        var x = Enumerable.Range(0, 28 * 28).Select(i => (float)i + 1).ToArray();
        for (int seed = 0; seed < 30; seed++)
        {
            var got = (float[])x.Clone();
            new PaddedRandomCrop(2).Apply(got, 1, 28, 28, new Random(seed));
            var rng = new Random(seed);
            int dy = rng.Next(0, 5), dx = rng.Next(0, 5);   // torchvision's order: top, then left
            var padded = new float[32 * 32];   // F.pad(x, (2, 2, 2, 2)) then rows dy.., cols dx..
            for (int r = 0; r < 28; r++) for (int c = 0; c < 28; c++) padded[(r + 2) * 32 + c + 2] = x[r * 28 + c];
            for (int r = 0; r < 28; r++) for (int c = 0; c < 28; c++) Assert.Equal(padded[(r + dy) * 32 + c + dx],
                got[r * 28 + c]);
        }
    }

    [Fact]
    public void Fashion_mnist_normalization_is_the_trainers_multiply_add_within_rounding_of_the_peer_formula()
    {
        var bytes = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var chw = new float[256];
        Normalize.FashionMnist.Write(ImageU8.Wrap(bytes, 16, 16, 1), chw);
        float scale = 1f / (255f * 0.3530f), shift = 0.2860f / 0.3530f;
        for (int v = 0; v < 256; v++)
        {
            Assert.Equal(v * scale - shift, chw[v]);
            float peer = ((float)v / 255f - 0.2860f) / 0.3530f;
            Assert.True(Math.Abs(peer - chw[v]) <= 2.5e-7f, $"{v}: {chw[v]} vs {peer}");   // an ulp at 2.0
        }
    }

    [Fact]
    public void Flip_at_one_half_flips_exactly_when_next_two_is_one()
    {
        var flip = new RandomFlip(0.5);
        for (int seed = 0; seed < 200; seed++)
        {
            var chw = new float[] { 1, 2 };
            flip.Apply(chw, 1, 1, 2, new Random(seed));
            Assert.Equal(new Random(seed).Next(2) == 1, chw[0] == 2);
        }
    }
}
