using Microsoft.ML.OnnxRuntime;
using ShuffleNet.Checkpoints;
using ShuffleNet.Onnx.Export;
using ShuffleNet.Onnx.Quantization;
using ShuffleNet.Onnx.Runtime;

namespace ShuffleNet.Onnx.Tests.Quantization;

public class QuantizedExportTests
{
    private const int Size = 64;

    public static TheoryData<Width> AllWidths() => new(Enum.GetValues<Width>());

    private static readonly QuantizeOptions Small = new() { ImageSize = null };
    private static readonly OrtOptions Runtime = new() { ImageSize = Size };

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void Calibration_graph_computes_the_float_exports_logits(Width width)
    {
        var sd = TestData.RandomStateDict(width, seed: (int)width);
        var input = TestData.RandomInput(2 * 3 * Size * Size);
        using var fp32 = OrtClassifier.FromBytes(OnnxExporter.ExportToBytes(sd, new ExportOptions { ImageSize = null }),
            Runtime);
        var calibration = QuantizedExporter.CalibrationModel(sd, Small);

        var expected = fp32.Run(input, 2);
        Assert.InRange(TestData.MaxAbsDiff(expected, RunOutput(calibration.Model, input, [2, 3, Size, Size], "logits")),
            0, 1e-4);
    }

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void Int8_model_follows_the_float_model(Width width)
    {
        var sd = TestData.RandomStateDict(width, seed: (int)width);
        var calibration = QuantizedExporter.CalibrationModel(sd, Small);
        var batches = Enumerable.Range(0, 4).Select(i => new ImageBatch(TestData.RandomInput(4 * 3 * Size * Size,
            seed: 10 + i), 4)).ToList();
        Dictionary<string, ActivationRange> ranges;
        using (var calibrator = new Calibrator(calibration, Runtime)) ranges = calibrator.Calibrate(batches);
        using var fp32 = OrtClassifier.FromBytes(OnnxExporter.ExportToBytes(sd, new ExportOptions { ImageSize = null }),
            Runtime);
        using var int8 = OrtClassifier.FromBytes(QuantizedExporter.ExportToBytes(sd, ranges, Small), Runtime);
        var input = TestData.RandomInput(8 * 3 * Size * Size, seed: 99);

        var expected = fp32.Run(input, 8);
        var actual = int8.Run(input, 8);
        double scale = expected.Select(Math.Abs).Max();
        Assert.InRange(TestData.MaxAbsDiff(expected, actual) / scale, 0, 0.05);   // 1.5-2.5% seen
    }

    [Theory]
    [InlineData(1, 1, true)]    // the default `shufflenet train` model
    [InlineData(1, 1, false)]   // Fashion-MNIST's SmallImages
    [InlineData(3, 1, false)]
    public void Every_stem_quantizes_with_its_own_input_and_follows_the_float_export(int inChannels, int stride,
        bool maxPool)
    {
        var stem = new StemOptions(inChannels, stride, maxPool);
        var sd = TestData.RandomStateDict(Width.X0_5, seed: 7, inChannels: inChannels);
        var options = new QuantizeOptions { Stem = stem };
        int size = StemOptions.ImageSizeFor(inChannels), image = inChannels * size * size;
        var batches = Enumerable.Range(0, 4).Select(i => new ImageBatch(TestData.RandomInput(4 * image, seed: 10 + i),
            4)).ToList();
        var calibration = QuantizedExporter.CalibrationModel(sd, options);
        Dictionary<string, ActivationRange> ranges;
        using (var calibrator = new Calibrator(calibration)) ranges = calibrator.Calibrate(batches);
        using var fp32 = OrtClassifier.FromBytes(OnnxExporter.ExportToBytes(sd, new ExportOptions { Stem = stem }));
        var model = QuantizedExporter.ExportToBytes(sd, ranges, options);
        using var int8 = OrtClassifier.FromBytes(model);
        var input = TestData.RandomInput(8 * image, seed: 99);

        Assert.Equal([inChannels, size, size], int8.ImageShape);
        Assert.Equal(OnnxModelInfo.Read(OnnxExporter.ExportToBytes(sd, new ExportOptions { Stem = stem }))
            .Metadata["stem"],
            OnnxModelInfo.Read(model).Metadata["stem"]);
        var expected = fp32.Run(input, 8);
        Assert.InRange(TestData.MaxAbsDiff(expected, RunOutput(calibration.Model, input, [8, inChannels, size, size],
            "logits")), 0, 1e-4);
        double scale = expected.Select(Math.Abs).Max();
        Assert.InRange(TestData.MaxAbsDiff(expected, int8.Run(input, 8)) / scale, 0, 0.05);
    }

    [Fact]
    public void A_grayscale_state_dict_needs_its_stem_named()
    {
        var sd = TestData.RandomStateDict(Width.X0_5, inChannels: 1);

        var e = Assert.Throws<OnnxExportException>(() => QuantizedExporter.CalibrationModel(sd));
        Assert.Contains("QuantizeOptions.Stem", e.Message);
    }

    internal static float[] RunOutput(byte[] model, float[] input, long[] shape, string output)
    {
        using var session = new InferenceSession(model);
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var results = session.Run(new RunOptions(), ["input"], [value], [output]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
