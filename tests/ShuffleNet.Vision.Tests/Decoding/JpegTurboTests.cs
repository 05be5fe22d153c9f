using ShuffleNet.Vision.Decoding;
using ShuffleNet.Vision.Transforms;
using Xunit.Abstractions;

namespace ShuffleNet.Vision.Tests.Decoding;

/// <summary>The system libjpeg-turbo path against Skia's decoder, which the Pillow comparisons already pin.</summary>
public class JpegTurboTests(ITestOutputHelper output)
{
    private static readonly ImageDecoder Skia = new(new DecoderOptions { UseSystemJpeg = false });
    private static readonly ImageDecoder Turbo = ImageDecoder.Default;

    public static TheoryData<string> Jpegs() =>
    [
        Path.Combine("jpeg", "astronaut.jpg"), Path.Combine("jpeg", "chelsea.jpg"), Path.Combine("jpeg", "coffee.jpg"),
        Path.Combine("odd", "gray.jpg"), Path.Combine("odd", "cmyk.jpg"), Path.Combine("odd", "exif6.jpg"),
        // chroma 4:4:4 / 4:2:2 / 4:2:0, baseline and progressive, 203x150 (tools/reference/make_jpeg_variants.py)
        .. new[] { "444", "422", "420" }.SelectMany(s => new[] { "",
            "_progressive" }.Select(p => Path.Combine("jpeg-variants", $"chelsea_{s}{p}.jpg"))),
        // restart markers in the scan, as cameras write (tools/reference/make_restart_jpeg.c)
        Path.Combine("jpeg-variants", "restart.jpg"),
    ];

    [Fact]
    public void The_shim_is_built_and_loaded_on_a_machine_set_up_by_tools_setup()
    {
        output.WriteLine(JpegTurbo.Status);
        Assert.True(JpegTurbo.IsAvailable, $"JPEG decoder: {JpegTurbo.Status}");
    }

    [Theory]
    [MemberData(nameof(Jpegs))]
    public void Full_decode_equals_skia_byte_for_byte(string file)
    {
        var bytes = File.ReadAllBytes(TestPaths.Fixture(file));
        using var expected = Skia.Decode(bytes, file);
        using var actual = Turbo.Decode(bytes, file);
        Assert.Equal((expected.Width, expected.Height, expected.Channels), (actual.Width, actual.Height,
            actual.Channels));
        Assert.True(expected.Pixels.SequenceEqual(actual.Pixels), $"{file}: pixels differ from Skia's decode");
    }

    [Theory]
    [MemberData(nameof(Jpegs))]
    public void Region_decode_equals_the_crop_of_the_full_decode_byte_for_byte(string file)
    {
        var bytes = File.ReadAllBytes(TestPaths.Fixture(file));
        using var full = Skia.Decode(bytes, file);
        int W = full.Width, H = full.Height;
        var boxes = new List<CropBox>
        {
            new(0, 0, W, H), new(0, 0, 1, 1), new(W - 1, H - 1, 1, 1), new(1, 1, W - 2, H - 2),
            new(7, 9, Math.Min(W - 7, 33), Math.Min(H - 9, 17)), new(W / 3, H / 2, W / 2, H - H / 2), new(15, 0, 1, H),
        };
        var rng = new Random(1);
        for (int i = 0; i < 40; i++)
        {
            int x = rng.Next(W), y = rng.Next(H);
            boxes.Add(new CropBox(x, y, 1 + rng.Next(W - x), 1 + rng.Next(H - y)));
        }
        foreach (var box in boxes)
        {
            using var expected = PillowResize.Crop(full, box);
            var (region, _) = Turbo.DecodeRegion(bytes, (_, _) => box, file);
            using (region) Assert.True(expected.Pixels.SequenceEqual(region.Pixels),
                $"{file} {box}: region differs from the full decode's crop");
        }
    }

    [Fact]
    public void Truncated_and_damaged_jpegs_fail_naming_the_file()
    {
        var bytes = File.ReadAllBytes(TestPaths.Fixture("jpeg", "coffee.jpg"));
        var truncated = bytes[..(bytes.Length / 2)];
        var e1 = Assert.Throws<ImageDecodeException>(() => Turbo.Decode(truncated, "half.jpg"));
        Assert.Contains("half.jpg", e1.Message);
        Assert.Contains("ends early", e1.Message);
        Assert.Equal(ImageDecodeError.Truncated, e1.Kind);

        // A region above the cut decodes; one below it must not pass off the decoder's grey fill as pixels.
        using var header = Skia.Decode(bytes);
        var bottom = new CropBox(0, header.Height - 8, 8, 8);
        var e2 = Assert.Throws<ImageDecodeException>(() => Turbo.DecodeRegion(truncated, (_, _) => bottom, "half.jpg"));
        Assert.Contains("ends early", e2.Message);

    }

    [Fact]
    public void A_truncated_jpeg_fails_whatever_region_is_asked_for_so_training_fails_on_it_every_epoch()
    {
        var bytes = File.ReadAllBytes(TestPaths.Fixture("jpeg-variants", "chelsea_420_progressive.jpg"));
        var topLeft = new CropBox(0, 0, 4, 4);
        foreach (double keep in new[] { 0.2, 0.5, 0.9, 0.99 })
        {
            var cut = bytes[..(int)(bytes.Length * keep)];
            Assert.Throws<ImageDecodeException>(() => Turbo.Decode(cut, "cut.jpg"));
            var e = Assert.Throws<ImageDecodeException>(() => Turbo.DecodeRegion(cut, (_, _) => topLeft, "cut.jpg"));
            Assert.Contains("ends early", e.Message);
        }
        // Without its last byte the end-of-image marker is gone: a decode that stops early would not notice.
        Assert.Throws<ImageDecodeException>(() => Turbo.DecodeRegion(bytes[..^1], (_, _) => topLeft, "cut.jpg"));
        // Bytes after the end-of-image marker (cameras append data there) are fine, as for libjpeg and Pillow.
        var (region, _) = Turbo.DecodeRegion([.. bytes, .. "trailing data"u8], (_, _) => topLeft, "trailer.jpg");
        region.Dispose();
    }

    [Theory]
    [MemberData(nameof(Jpegs))]
    public void Every_complete_fixture_reaches_its_end_of_image_marker(string file) =>
        Assert.True(JpegMarkers.ReachesEndOfImage(File.ReadAllBytes(TestPaths.Fixture(file))), file);

    [Fact]
    public void A_fatal_libjpeg_error_returns_through_the_shim_and_decoding_goes_on()
    {
        // Skia refuses such bytes before the shim sees them, so call the shim directly: libjpeg's error_exit must
        // come back as an error code (setjmp/longjmp inside the C shim), not exit the process.
        var text = "not a jpeg at all"u8.ToArray();
        var result = JpegTurbo.TryDecode(text, 0, 0, 1, 1, new byte[3], out var message);
        output.WriteLine(message);
        Assert.Equal(JpegTurbo.Result.Error, result);
        Assert.Contains("Not a JPEG file", message);

        var bytes = File.ReadAllBytes(TestPaths.Fixture("jpeg", "coffee.jpg"));
        Assert.Equal(JpegTurbo.Result.Error, JpegTurbo.TryDecode(bytes, 0, 0, 100_000, 1, new byte[300_000],
            out message));
        Assert.Contains("outside", message);
        Assert.Equal(JpegTurbo.Result.Ok, JpegTurbo.TryDecode(bytes, 0, 0, 8, 8, new byte[192], out _));
    }
}
