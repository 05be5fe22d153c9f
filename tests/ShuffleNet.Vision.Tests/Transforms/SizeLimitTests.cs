using System.Buffers.Binary;
using System.IO.Compression;
using ShuffleNet.Vision.Decoding;
using ShuffleNet.Vision.Transforms;

namespace ShuffleNet.Vision.Tests.Transforms;

/// <summary>
/// Every intermediate image a pipeline would allocate is checked against the pixel limit before it exists.
/// </summary>
public class SizeLimitTests
{
    /// <summary>
    /// A gray PNG of <paramref name="width"/> x <paramref name="height"/> (a few KB even for a million rows).
    /// </summary>
    internal static byte[] GrayPng(int width, int height)
    {
        using var raw = new MemoryStream();
        using (var z = new ZLibStream(raw, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var row = new byte[width + 1];
            for (int y = 0; y < height; y++) { row[1] = (byte)(y % 251); z.Write(row); }
        }
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;   // 8-bit gray, no interlace
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", raw.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        var buf = new byte[12 + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(buf, data.Length);
        System.Text.Encoding.ASCII.GetBytes(type, buf.AsSpan(4));
        data.CopyTo(buf, 8);
        BinaryPrimitives.WriteUInt32BigEndian(buf.AsSpan(8 + data.Length), Crc32(buf.AsSpan(4, 4 + data.Length)));
        s.Write(buf);
    }

    // PNG's CRC-32 (ISO 3309), bit by bit: a few KB per test
    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFF;
        foreach (var b in data)
        {
            c ^= b;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
        }
        return ~c;
    }

    [Fact]
    public void A_1x1000000_png_is_refused_by_the_eval_pipeline_naming_the_file_without_allocating_the_resize()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("size-limit-").FullName, "tall.png");
        File.WriteAllBytes(path, GrayPng(1, 1_000_000));
        var pipeline = Presets.ImageNetEval();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ImageDecodeException>(() => pipeline.Run(ImageDecoder.Default.Decode(path), new Random(0),
            new float[pipeline.SampleSize], path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.StartsWith($"image '{path}' is too large to process: it is 1x1,000,000, and ResizeEdge(short=256, " +
            "Bilinear) would make 256x256,000,000", e.Message);
        Assert.Equal(path, e.FileName);
        // the decode (7 MB), not 256 x 256,000,000 x 3
        Assert.True(allocated < 64L << 20, $"{allocated:N0} bytes allocated");
        File.Delete(path);
    }

    [Fact]
    public void The_encoded_path_checks_from_the_header_too() =>
        Assert.Contains("too large to process",
            Assert.Throws<ImageDecodeException>(() => Presets.ImageNetEval().RunEncoded(GrayPng(1, 1_000_000),
                "tall.png", ImageDecoder.Default,
                new Random(0), new float[3 * 224 * 224])).Message);

    [Theory]
    [InlineData(1, 10_000_000, true)]    // Resize(28x28)'s horizontal pass alone: 28 x 10,000,000
    [InlineData(1, 1_000_000, false)]
    [InlineData(13_000, 13_000, false)]
    public void The_grayscale_predict_pipeline_counts_the_resize_temporaries(int width, int height, bool refused)
    {
        var check = () => Presets.FashionMnistPredict().CheckSize(width, height, "x.png");
        if (refused) Assert.Contains("Resize(28x28, Bilinear)", Assert.Throws<ImageDecodeException>(check).Message);
        else check();
    }

    [Fact]
    public void A_lower_limit_is_honoured()
    {
        var pipeline = new Pipeline([new ResizeEdge(256), new CenterCrop(224)], Normalize.ImageNet, 224,
            224) { MaxPixels = 100_000 };
        Assert.Contains("above the limit of 100,000", Assert.Throws<ImageDecodeException>(() => pipeline.CheckSize(640,
            480, "p.jpg")).Message);
        pipeline.CheckSize(256, 300, "q.jpg");
    }

    [Fact]
    public void Training_crops_of_an_extreme_image_stay_small_so_the_training_pipeline_accepts_it() =>
        Presets.ImageNetTrain().CheckSize(1, 1_000_000, "tall.png");

    // Plan promises the size Apply makes, and PeakPixels bounds what PillowResize allocates, for sizes and draws at
    // random
    [Fact]
    public void Plans_match_what_the_steps_do()
    {
        var rng = new Random(1);
        IImageTransform[] steps = [new ResizeEdge(64), new CenterCrop(48), new Resize(20, 30), new Grayscale(),
            new RandomFlip(), new RandomResizedCrop(32)];
        for (int trial = 0; trial < 60; trial++)
        {
            int w = rng.Next(1, 200), h = rng.Next(1, 200);
            foreach (var step in steps)
            {
                using var image = ImageU8.Rent(w, h);
                image.Pixels.Clear();
                var plan = step.Plan(w, h);
                using var output = step.Apply(image.Clone(), new Random(trial));
                Assert.Equal((plan.Width, plan.Height), (output.Width, output.Height));
            }
            var rrc = new RandomResizedCrop(32);
            for (int draw = 0; draw < 20; draw++)
            {
                var box = rrc.SampleParams(h, w, new Random(draw));
                Assert.True(PillowResize.PeakPixels(box.Width, box.Height, 32, 32, Resample.Bilinear) <= rrc.Plan(w, h)
                    .PeakPixels, $"{w}x{h} {box}");
            }
        }
    }
}
