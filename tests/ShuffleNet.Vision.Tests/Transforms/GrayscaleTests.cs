using ShuffleNet.Vision.Decoding;
using ShuffleNet.Vision.Transforms;

namespace ShuffleNet.Vision.Tests.Transforms;

public class GrayscaleTests
{
    // 37x23 RGB, Pillow's convert('L') of it, and that resized to 28x28 bilinear
    // (tools/reference/make_grayscale_fixture.py)
    private static readonly byte[] Fixture = File.ReadAllBytes(TestPaths.Fixture("gray.bin"));
    private const int W = 37, H = 23;

    [Fact]
    public void Luma_equals_pillows_convert_L()
    {
        var rgb = ImageU8.Wrap(Fixture[..(W * H * 3)], W, H, 3);
        using var gray = new Grayscale().Apply(rgb, new Random(0));
        Assert.Equal(1, gray.Channels);
        Assert.Equal(Fixture[(W * H * 3)..(W * H * 4)], gray.Pixels.ToArray());
    }

    [Fact]
    public void Fashion_mnist_predict_pipeline_equals_pillow_then_normalization()
    {
        var pipeline = Presets.FashionMnistPredict();
        var chw = pipeline.Run(ImageU8.Wrap(Fixture[..(W * H * 3)], W, H, 3));
        var expected = Fixture[(W * H * 4)..].Select(b => (b / 255f - 0.2860f) / 0.3530f).ToArray();
        Assert.Equal(28 * 28, chw.Length);
        for (int i = 0; i < chw.Length; i++) Assert.Equal(expected[i], chw[i], 1e-5f);
    }
}
