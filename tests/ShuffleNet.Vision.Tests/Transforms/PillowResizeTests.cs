using ShuffleNet.Vision.Decoding;
using ShuffleNet.Vision.Transforms;

namespace ShuffleNet.Vision.Tests.Transforms;

public class PillowResizeTests
{
    private static Resample Filter(string name) => name switch
    {
        "nearest" => Resample.Nearest, "bilinear" => Resample.Bilinear, "bicubic" => Resample.Bicubic,
            _ => throw new ArgumentException(name),
    };

    private static int Differing(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        Assert.Equal(a.Length, b.Length);
        int n = 0;
        for (int i = 0; i < a.Length; i++) n += a[i] != b[i] ? 1 : 0;
        return n;
    }

    [Theory]
    [MemberData(nameof(ResizeCase.Indices), MemberType = typeof(ResizeCase))]
    public void Fast_kernel_reproduces_Pillow_9_4_resize_with_zero_differing_bytes(int index)
    {
        var c = ResizeCase.Get(index);
        using var src = ImageU8.Wrap(c.Src, c.SrcW, c.SrcH, c.Channels);
        var box = c.Box is null ? CropBox.Full(c.SrcW, c.SrcH) : new CropBox(c.Box[0], c.Box[1], c.Box[2], c.Box[3]);
        using var res = PillowResize.Resize(src, box, c.DstW, c.DstH, Filter(c.Filter));
        Assert.Equal((c.DstW, c.DstH, c.Channels), (res.Width, res.Height, res.Channels));
        Assert.True(Differing(c.Expected, res.Pixels) == 0, $"{c}: {Differing(c.Expected, res.Pixels)} bytes differ");
    }

    [Theory]
    [MemberData(nameof(ResizeCase.Indices), MemberType = typeof(ResizeCase))]
    public void Literal_port_of_Resample_c_reproduces_Pillow_9_4_resize_with_zero_differing_bytes(int index)
    {
        var c = ResizeCase.Get(index);
        byte[] src = c.Src;
        int w = c.SrcW, h = c.SrcH;
        if (c.Box is { } b)
        {
            using var whole = ImageU8.Wrap(c.Src, c.SrcW, c.SrcH, c.Channels);
            using var crop = PillowResize.Crop(whole, new CropBox(b[0], b[1], b[2], b[3]));
            (src, w, h) = (crop.ToArray(), b[2], b[3]);
        }
        var res = PillowReference.Resize(src, w, h, c.Channels, c.DstW, c.DstH, c.Filter);
        Assert.True(Differing(c.Expected, res) == 0, $"{c}: {Differing(c.Expected, res)} bytes differ");
    }

    [Fact]
    public void Fast_kernel_agrees_with_the_literal_port_on_a_thousand_random_size_pairs()
    {
        var rng = new Random(7);
        var filters = new[] { "nearest", "bilinear", "bicubic" };
        for (int i = 0; i < 1000; i++)
        {
            int sw = rng.Next(1, 70), sh = rng.Next(1, 70), dw = rng.Next(1, 90), dh = rng.Next(1, 90),
                ch = rng.Next(2) == 0 ? 1 : 3;
            var bytes = new byte[sw * sh * ch];
            rng.NextBytes(bytes);
            string f = filters[i % 3];
            using var src = ImageU8.Wrap(bytes, sw, sh, ch);
            using var fast = PillowResize.Resize(src, dw, dh, Filter(f));
            var slow = PillowReference.Resize(bytes, sw, sh, ch, dw, dh, f);
            Assert.True(Differing(slow, fast.Pixels) == 0, $"{f} {sw}x{sh}x{ch} -> {dw}x{dh}");
        }
    }

    [Fact]
    public void Resizing_a_region_equals_cropping_then_resizing()
    {
        var rng = new Random(3);
        var bytes = new byte[50 * 40 * 3];
        rng.NextBytes(bytes);
        using var src = ImageU8.Wrap(bytes, 50, 40);
        var box = new CropBox(7, 5, 31, 22);
        using var crop = PillowResize.Crop(src, box);
        using var viaCrop = PillowResize.Resize(crop, 64, 17, Resample.Bicubic);
        using var viaRegion = PillowResize.Resize(src, box, 64, 17, Resample.Bicubic);
        Assert.Equal(viaCrop.ToArray(), viaRegion.ToArray());
    }
}
