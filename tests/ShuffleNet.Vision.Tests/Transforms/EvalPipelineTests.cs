using System.Text.Json;
using ShuffleNet.Vision.Decoding;
using ShuffleNet.Vision.Transforms;

namespace ShuffleNet.Vision.Tests.Transforms;

public class EvalPipelineTests
{
    public static TheoryData<string> Photos => new() { "astronaut", "chelsea", "coffee" };

    private static ImageU8 EvalCrop(ImageU8 image) =>
        new CenterCrop(224).Apply(new ResizeEdge(256).Apply(image, new Random(0)), new Random(0));

    [Theory]
    [MemberData(nameof(Photos))]
    public void Mmcls_test_pipeline_crop_of_each_reference_photo_matches_Pillow_with_zero_differing_bytes(string photo)
    {
        using var image = ImageDecoder.Default.Decode(TestPaths.Reference("images", photo + ".png"));
        using var crop = EvalCrop(image.Clone());
        var expected = File.ReadAllBytes(TestPaths.Fixture("pipeline", photo + ".rgb"));
        Assert.Equal((224, 224, 3), (crop.Width, crop.Height, crop.Channels));
        Assert.Equal(0, expected.Zip(crop.ToArray()).Count(p => p.First != p.Second));

        using var meta = JsonDocument.Parse(File.ReadAllText(TestPaths.Fixture("pipeline.json")));
        var m = meta.RootElement.GetProperty(photo + ".png");
        var resized = new ResizeEdge(256).OutputSize(image.Width, image.Height);
        Assert.Equal(m.GetProperty("resized_wh")[0].GetInt32(), resized.Width);
        Assert.Equal(m.GetProperty("resized_wh")[1].GetInt32(), resized.Height);
        var box = new CenterCrop(224).Box(resized.Width, resized.Height);
        Assert.Equal(m.GetProperty("crop_xy")[0].GetInt32(), box.X);
        Assert.Equal(m.GetProperty("crop_xy")[1].GetInt32(), box.Y);
    }

    [Theory]
    [MemberData(nameof(Photos))]
    public void Eval_preset_output_is_the_exact_crop_normalized_in_float32(string photo)
    {
        var pipeline = Presets.ImageNetEval(resize: 256, crop: 224);
        var chw = pipeline.Run(ImageDecoder.Default.Decode(TestPaths.Reference("images", photo + ".png")));
        var crop = File.ReadAllBytes(TestPaths.Fixture("pipeline", photo + ".rgb"));
        float[] mean = [123.675f, 116.28f, 103.53f], std = [58.395f, 57.12f, 57.375f];
        Assert.Equal(3 * 224 * 224, chw.Length);
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < 224 * 224; i++)
                Assert.Equal(((float)crop[i * 3 + c] - mean[c]) / std[c], chw[c * 224 * 224 + i]);
    }

    [Theory]
    [InlineData(257, 16)]   // 16.5 rounds to even 16
    [InlineData(259, 18)]   // 17.5 rounds to even 18
    [InlineData(258, 17)]
    [InlineData(224, 0)]
    [InlineData(200, 0)]    // smaller than the crop: clipped, as mmcv.imcrop
    public void Center_crop_offset_rounds_half_to_even_like_Python(int side, int offset)
    {
        var box = new CenterCrop(224).Box(side, side);
        Assert.Equal(offset, box.X);
        Assert.Equal(Math.Min(side, 224), box.Width);
    }

    [Theory]
    [InlineData(451, 300, 384, 256)]   // int(256 * 451 / 300) = 384 (384.85 truncated)
    [InlineData(300, 451, 256, 384)]
    [InlineData(256, 300, 256, 300)]   // short side already 256: untouched
    [InlineData(512, 512, 256, 256)]
    [InlineData(600, 400, 384, 256)]
    public void Resize_edge_truncates_the_long_side_and_skips_when_the_short_side_already_fits(int w, int h, int ow,
        int oh) =>
        Assert.Equal((ow, oh), new ResizeEdge(256).OutputSize(w, h));

    [Fact]
    public void Pipeline_rejects_an_image_smaller_than_its_crop_with_a_clear_message()
    {
        var ex = Assert.Throws<InvalidOperationException>(() =>
            new Pipeline([new CenterCrop(224)], Normalize.ImageNet, 224, 224).Run(ImageU8.Rent(100, 100)));
        Assert.Contains("100x100", ex.Message);
    }
}
