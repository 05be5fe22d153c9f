using System.Text.Json;
using ShuffleNet.Vision.Decoding;
using Xunit.Abstractions;

namespace ShuffleNet.Vision.Tests.Decoding;

public class OddInputTests(ITestOutputHelper output)
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        using var doc = JsonDocument.Parse(File.ReadAllText(TestPaths.Fixture("odd.json")));
        foreach (var e in doc.RootElement.EnumerateArray()) data.Add(e.GetProperty("file").GetString()!);
        return data;
    }

    private static JsonElement Entry(string file)
    {
        var doc = JsonDocument.Parse(File.ReadAllText(TestPaths.Fixture("odd.json")));
        return doc.RootElement.EnumerateArray().Single(e => e.GetProperty("file").GetString() == file);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Odd_input_decodes_like_the_independent_reference_or_fails_naming_the_file(string file)
    {
        var e = Entry(file);
        string path = TestPaths.Fixture("odd", file), expect = e.GetProperty("expect").GetString()!;
        if (expect.StartsWith("error:"))
        {
            var ex = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Default.Decode(path));
            output.WriteLine(ex.Message);
            Assert.Contains(path, ex.Message);
            Assert.Contains(expect["error:".Length..], ex.Message);
            return;
        }
        using var image = ImageDecoder.Default.Decode(path);
        var expected = File.ReadAllBytes(path + ".expected.rgb");
        Assert.Equal(e.GetProperty("wh")[0].GetInt32(), image.Width);
        Assert.Equal(e.GetProperty("wh")[1].GetInt32(), image.Height);
        int maxDiff = 0, differing = 0;
        var got = image.Pixels;
        for (int i = 0; i < expected.Length; i++)
        {
            int d = Math.Abs(expected[i] - got[i]);
            maxDiff = Math.Max(maxDiff, d);
            differing += d > 0 ? 1 : 0;
        }
        output.WriteLine($"{file}: {differing}/{expected.Length} bytes differ from {e.GetProperty("reference")}, max " +
            $"|diff| {maxDiff}");
        Assert.True(maxDiff <= e.GetProperty("tolerance").GetInt32(),
            $"{file}: max |diff| {maxDiff} over tolerance ({e.GetProperty("note")})");
    }

    [Fact]
    public void The_pixel_limit_is_configurable_and_checked_from_the_header()
    {
        var decoder = new ImageDecoder(new DecoderOptions { MaxPixels = 1000 });
        var ex = Assert.Throws<ImageDecodeException>(() => decoder.Decode(TestPaths.Fixture("odd", "image.bmp")));
        Assert.Contains("45x30 = 1,350 pixels", ex.Message);
        Assert.Equal(ImageDecodeError.TooManyPixels, ex.Kind);
    }

    [Fact]
    public void Decoding_from_a_stream_and_from_bytes_equals_decoding_the_path()
    {
        string path = TestPaths.Fixture("odd", "exif6.jpg");
        using var fromPath = ImageDecoder.Default.Decode(path);
        using var stream = File.OpenRead(path);
        using var fromStream = ImageDecoder.Default.Decode(stream, "exif6");
        using var fromBytes = ImageDecoder.Default.Decode(File.ReadAllBytes(path), "exif6");
        Assert.Equal(fromPath.ToArray(), fromStream.ToArray());
        Assert.Equal(fromPath.ToArray(), fromBytes.ToArray());
        Assert.Equal((30, 45), ImageDecoder.Default.ReadSize(File.ReadAllBytes(path)));
    }

    [Fact]
    public void A_missing_file_is_reported_as_a_decode_error_naming_it()
    {
        var ex = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Default.Decode("/nonexistent/x.jpg"));
        Assert.Contains("/nonexistent/x.jpg", ex.Message);
        Assert.Equal(ImageDecodeError.Unreadable, ex.Kind);
    }

    [Fact]
    public void Empty_and_non_image_bytes_are_told_apart()
    {
        Assert.Equal(ImageDecodeError.Empty, Assert.Throws<ImageDecodeException>(() => ImageDecoder.Default.Decode([],
            "e")).Kind);
        var text = "hello, not an image"u8.ToArray();
        var ex = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Default.Decode(text, "t.txt"));
        Assert.Equal(ImageDecodeError.NotAnImage, ex.Kind);
        Assert.Contains("t.txt", ex.Message);
    }
}
