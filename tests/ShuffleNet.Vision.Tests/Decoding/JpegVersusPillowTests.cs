using ShuffleNet.Vision.Decoding;
using ShuffleNet.Vision.Transforms;
using Xunit.Abstractions;

namespace ShuffleNet.Vision.Tests.Decoding;

/// <summary>
/// JPEG decoding is not bit-specified: Skia bundles its own libjpeg-turbo while Debian's Pillow links
/// libjpeg62-turbo. These tests report how many bytes differ and bound the difference; they do not pretend to 0.
/// </summary>
public class JpegVersusPillowTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("astronaut")]
    [InlineData("chelsea")]
    [InlineData("coffee")]
    public void Jpeg_quality_90_decodes_and_pipelines_close_to_Pillow(string photo)
    {
        using var ours = ImageDecoder.Default.Decode(TestPaths.Fixture("jpeg", photo + ".jpg"));
        using var pillow = ImageDecoder.Default.Decode(TestPaths.Fixture("jpeg", photo + ".decoded.png"));
        var (decDiff, decMax) = Compare(pillow.ToArray(), ours.ToArray());
        var crop = new Pipeline([new ResizeEdge(256), new CenterCrop(224)], Normalize.Identity(3), 224, 224);
        var ourCrop = crop.Run(ours.Clone());
        var pilCrop = File.ReadAllBytes(TestPaths.Fixture("jpeg", photo + ".crop.rgb"));
        var chw = new byte[pilCrop.Length];
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < 224 * 224; i++) chw[i * 3 + c] = (byte)ourCrop[c * 224 * 224 + i];
        var (cropDiff, cropMax) = Compare(pilCrop, chw);
        output.WriteLine($"{photo}.jpg: decode {decDiff}/{pillow.Length} bytes differ from Pillow (max |diff| " +
            $"{decMax}); " +
                         $"eval crop {cropDiff}/{pilCrop.Length} differ (max {cropMax})");
        Assert.True(decMax <= 8 && cropMax <= 8, "Skia's JPEG decode drifted far from Pillow's");
    }

    private static (int Count, int Max) Compare(byte[] a, byte[] b)
    {
        Assert.Equal(a.Length, b.Length);
        int n = 0, max = 0;
        for (int i = 0; i < a.Length; i++) { int d = Math.Abs(a[i] - b[i]); n += d > 0 ? 1 : 0; max = Math.Max(max, d);
            }
        return (n, max);
    }
}
