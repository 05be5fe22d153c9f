using ShuffleNet.Checkpoints;
using ShuffleNet.Onnx.Export;
using ShuffleNet.Onnx.Runtime;

namespace ShuffleNet.Onnx.Tests.Export;

public class OptimizedExportTests
{
    public static TheoryData<Width, int> WidthsAndBatches()
    {
        var data = new TheoryData<Width, int>();
        foreach (var w in Enum.GetValues<Width>())
            foreach (var batch in new[] { 1, 3 }) data.Add(w, batch);
        return data;
    }

    public static TheoryData<Width> AllWidths() => new(Enum.GetValues<Width>());

    [Theory]
    [MemberData(nameof(WidthsAndBatches))]
    public void Optimized_export_gives_the_naive_exports_logits_within_1e_4(Width width, int batch)
    {
        var sd = TestData.RandomStateDict(width, numClasses: 10, seed: (int)width);
        // dynamic size, 64x64: every stage still sees 2x2 or more, and the test stays fast
        var options = new ExportOptions { ImageSize = null, Batch = null };
        var runtime = new OrtOptions { ImageSize = 64 };
        using var optimized = OrtClassifier.FromBytes(OnnxExporter.ExportToBytes(sd, options), runtime);
        using var naive = OrtClassifier.FromBytes(OnnxExporter.ExportToBytes(sd,
            options with { Mode = ExportMode.Naive }), runtime);
        var input = TestData.RandomInput(batch * 3 * 64 * 64, seed: batch);

        var expected = naive.Run(input, batch);
        var actual = optimized.Run(input, batch);

        Assert.InRange(expected.Select(Math.Abs).Max(), 0.1, 1e3); // a live network, not all zeros
        Assert.InRange(TestData.MaxAbsDiff(expected, actual), 0, 1e-4);
    }

    [Fact]
    public void Optimized_export_at_224_with_a_fixed_batch_matches_the_naive_export()
    {
        var sd = TestData.RandomStateDict(Width.X1_0, numClasses: 1000, seed: 7);
        using var optimized = OrtClassifier.FromBytes(OnnxExporter.ExportToBytes(sd, new ExportOptions { Batch = 2 }));
        using var naive = OrtClassifier.FromBytes(OnnxExporter.ExportToBytes(sd, new ExportOptions { Batch = 2,
            Mode = ExportMode.Naive }));
        var input = TestData.RandomInput(2 * 3 * 224 * 224);

        Assert.InRange(TestData.MaxAbsDiff(naive.Run(input, 2), optimized.Run(input, 2)), 0, 1e-4);
        Assert.Equal(2, optimized.FixedBatch);
    }

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void Optimized_graph_has_no_shuffle_or_batchnorm_and_every_conv_reads_whole_blocks_of_16_channels(
        Width width)
    {
        var info = OnnxModelInfo.Read(OnnxExporter.ExportToBytes(TestData.RandomStateDict(width)));
        var convs = info.Nodes.Where(n => n.OpType == "Conv").Select(n => info.InitializerDims[n.Inputs[1]]).ToList();

        Assert.Subset(new HashSet<string> { "Conv", "Add", "Relu", "MaxPool", "Split", "Concat", "GlobalAveragePool",
            "Flatten", "Gemm" }, info.OpTypes.ToHashSet());
        // ONNX Runtime runs a conv in its NCHWc layout only if it reads whole blocks of 16 channels (AVX-512);
        // a depthwise conv's channels are its input channels. The stem reads the 3 RGB planes.
        Assert.Equal(3, convs[0][1]);
        Assert.All(convs.Skip(1), dims => Assert.Equal(0, (dims[1] == 1 ? dims[0] : dims[1]) % 16));
    }

    [Fact]
    public void Optimized_graph_reads_the_halves_the_next_blocks_take_without_a_copy()
    {
        var info = OnnxModelInfo.Read(OnnxExporter.ExportToBytes(TestData.RandomStateDict(Width.X1_0)));
        var counts = info.OpTypes.GroupBy(t => t).ToDictionary(g => g.Key, g => g.Count());

        // 1.0x: in stage 2 every branch output but the last writes the 29 channels the next block reads by a conv
        // of its own (4 more convs); in stage 3 the 58 and 29 channels the next two blocks read (15 more); stage 4
        // has none (116 + 116 would pad to 256 where 232 pads to 240). Those blocks' first conv is one conv per
        // input tensor, summed: 3 + 13 more convs and as many Adds, which ONNX Runtime fuses into the convs.
        // The next stage's first block reads the stage output where it lies too: stage 2's as 32 + 64 + the
        // rest's 32, stage 3's as 64 + the rest's 176 (see the next test). Its depthwise conv runs on each tensor
        // and its first 1x1 conv is a sum: 2 + 1 more of each, and 2 + 1 more Adds.
        Assert.Equal(56 + 4 + 15 + 16 + 6, counts["Conv"]);
        Assert.Equal(16 + 3, counts["Add"]);
        Assert.Equal(13, counts["Split"]);   // each remaining part written for more than one consumer
        // each block input still made of pieces, each stage's rest, and the two depthwise outputs of those blocks
        Assert.Equal(13 + 2, counts["Concat"]);
    }

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void A_stage_output_read_where_it_lies_is_no_wider_than_the_stage_output_padded_once(Width width)
    {
        var info = OnnxModelInfo.Read(OnnxExporter.ExportToBytes(TestData.RandomStateDict(width)));
        var spec = ShuffleNetV2Layout.Widths[width];
        // the convs that read stage s's output: the next stage's branch2 1x1 conv, and conv5 after the last stage
        List<long[]> Readers(int s)
        {
            var prefix = s < spec.Repeats.Length ? $"backbone.layers.{s}.0.branch2.0" : $"backbone.layers.{s}";
            return info.Nodes.Where(n => n.OpType == "Conv" && n.Inputs[1].StartsWith(prefix + "_w"))
                .Select(n => info.InitializerDims[n.Inputs[1]]).ToList();
        }

        for (int s = 1; s <= spec.Repeats.Length; s++)
        {
            var readers = Readers(s);
            int padded = (spec.Channels[s] + 15) / 16 * 16;
            Assert.Equal(padded, readers.Sum(d => d[1]));
            Assert.All(readers, d => Assert.Equal(readers[0][0], d[0]));
        }
        if (width == Width.X1_0) Assert.Equal([3, 2, 1], Enumerable.Range(1, 3).Select(s => Readers(s).Count));
    }

    [Fact]
    public void Naive_graph_is_the_literal_one_with_batchnorm_and_reshape_transpose_shuffle()
    {
        var info = OnnxModelInfo.Read(OnnxExporter.ExportToBytes(TestData.RandomStateDict(Width.X1_0),
            new ExportOptions { Mode = ExportMode.Naive }));

        Assert.Equal(56, info.OpTypes.Count(t => t == "BatchNormalization"));
        Assert.Equal(16, info.OpTypes.Count(t => t == "Transpose"));
        Assert.Equal(13, info.OpTypes.Count(t => t == "Split"));
    }
}
