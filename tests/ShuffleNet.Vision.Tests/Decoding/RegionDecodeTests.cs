using ShuffleNet.Vision.Decoding;
using ShuffleNet.Vision.Transforms;
using Xunit.Abstractions;

namespace ShuffleNet.Vision.Tests.Decoding;

public class RegionDecodeTests(ITestOutputHelper output)
{
    private static readonly string Jpeg = TestPaths.Fixture("jpeg", "coffee.jpg");

    [Theory]
    [InlineData(0, 0, 600, 400)]
    [InlineData(37, 101, 250, 123)]
    [InlineData(333, 250, 267, 150)]
    public void Skias_region_decode_of_a_jpeg_is_close_to_cropping_the_full_decode(int x, int y, int w, int h)
    {
        // Skia's scanline path, the fallback without the libjpeg-turbo shim (JpegTurboTests pins the shim exactly).
        var skia = new ImageDecoder(new DecoderOptions { UseSystemJpeg = false });
        var bytes = File.ReadAllBytes(Jpeg);
        using var full = skia.Decode(bytes);
        using var expected = PillowResize.Crop(full, new CropBox(x, y, w, h));
        var (region, box) = skia.DecodeRegion(bytes, (_, _) => new CropBox(x, y, w, h));
        using (region)
        {
            Assert.Equal(new CropBox(x, y, w, h), box);
            int differing = 0, max = 0;
            var a = expected.Pixels; var b = region.Pixels;
            for (int i = 0; i < a.Length; i++) { int d = Math.Abs(a[i] - b[i]); differing += d > 0 ? 1 : 0;
                max = Math.Max(max, d); }
            output.WriteLine($"{box}: {differing}/{a.Length} bytes differ from the full decode, max |diff| {max}");
            Assert.True(max <= 16, $"max |diff| {max}");
        }
    }

    [Fact]
    public void Training_fast_path_draws_the_same_box_and_flip_as_the_full_decode_path()
    {
        var bytes = File.ReadAllBytes(Jpeg);
        var fast = Presets.ImageNetTrain(64);
        var exact = Presets.ImageNetTrain(64, regionDecode: false);
        Assert.True(fast.RegionDecode);
        Assert.False(Presets.ImageNetEval().RegionDecode);
        for (int seed = 0; seed < 10; seed++)
        {
            var a = new float[fast.SampleSize];
            var b = exact.Run(ImageDecoder.Default.Decode(bytes), new Random(seed));
            fast.RunEncoded(bytes, "coffee.jpg", ImageDecoder.Default, new Random(seed), a);
            double meanAbs = a.Zip(b).Average(p => Math.Abs(p.First - p.Second));
            Assert.True(meanAbs < 0.05, $"seed {seed}: mean |diff| {meanAbs} (normalized units): a different crop or " +
                "flip?");
        }
    }

    [Fact]
    public void Region_decode_of_a_truncated_jpeg_fails_naming_the_file()
    {
        var bytes = File.ReadAllBytes(TestPaths.Fixture("odd", "truncated.jpg"));
        var ex = Assert.Throws<ImageDecodeException>(() =>
            Presets.ImageNetTrain(16).RunEncoded(bytes, "truncated.jpg", ImageDecoder.Default, new Random(0),
                new float[3 * 16 * 16]));
        Assert.Contains("truncated.jpg", ex.Message);
    }

    [Fact]
    public void Region_decode_of_other_formats_and_rotated_jpegs_crops_the_exact_full_decode()
    {
        foreach (var file in new[] { "image.webp", "exif6.jpg" })
        {
            var bytes = File.ReadAllBytes(TestPaths.Fixture("odd", file));
            using var full = ImageDecoder.Default.Decode(bytes);
            var box = new CropBox(3, 4, 20, 17);
            using var expected = PillowResize.Crop(full, box);
            var (region, _) = ImageDecoder.Default.DecodeRegion(bytes, (_, _) => box);
            using (region) Assert.Equal(expected.ToArray(), region.ToArray());
        }
    }
}
