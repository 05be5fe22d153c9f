using ShuffleNet.Vision.Decoding;

namespace ShuffleNet.Vision.Transforms;

/// <summary>
/// 8-bit image steps, then <see cref="Normalize"/> into a fixed-shape float32 CHW sample, then tensor steps.
/// Stateless and thread-safe: all randomness comes from the <see cref="Random"/> passed to <see cref="Run(ImageU8, Random, Span{float})"/>.
/// </summary>
public sealed class Pipeline
{
    /// <summary>Creates a pipeline whose output is [<paramref name="height"/>, <paramref name="width"/>] with the normalization's channel count.</summary>
    public Pipeline(IReadOnlyList<IImageTransform> imageSteps, Normalize normalize, int height, int width,
        IReadOnlyList<ITensorTransform>? tensorSteps = null, bool regionDecode = false)
    {
        ImageSteps = imageSteps; Normalize = normalize; Height = height; Width = width;
        TensorSteps = tensorSteps ?? [];
        RegionDecode = regionDecode && imageSteps.Count > 0 && imageSteps[0] is RandomResizedCrop;
    }

    /// <summary>
    /// True when <see cref="RunEncoded"/> may decode only the random crop of a JPEG (first step a
    /// <see cref="RandomResizedCrop"/>): same random draws, less decoding. With the system libjpeg-turbo
    /// (<see cref="JpegTurbo"/>) the crop equals a full decode's byte for byte; with Skia's fallback its side
    /// edges may differ slightly. For training; the eval presets decode whole images.
    /// </summary>
    public bool RegionDecode { get; }

    /// <summary>
    /// Decodes <paramref name="encoded"/> and runs the pipeline into <paramref name="chw"/>; with
    /// <see cref="RegionDecode"/> the crop box is sampled from the header's size first and only that part is decoded.
    /// </summary>
    public void RunEncoded(ReadOnlySpan<byte> encoded, string name, ImageDecoder decoder, Random rng, Span<float> chw)
    {
        if (!RegionDecode)
        {
            Run(decoder.Decode(encoded, name), rng, chw);
            return;
        }
        var rrc = (RandomResizedCrop)ImageSteps[0];
        var (region, _) = decoder.DecodeRegion(encoded, (w, h) => rrc.SampleParams(h, w, rng), name);
        ImageU8 image;
        using (region) image = PillowResize.Resize(region, rrc.Size, rrc.Size, rrc.Interpolation);
        RunFrom(1, image, rng, chw);
    }

    /// <summary>Steps on 8-bit images, in order.</summary>
    public IReadOnlyList<IImageTransform> ImageSteps { get; }

    /// <summary>The conversion to normalized CHW float32.</summary>
    public Normalize Normalize { get; }

    /// <summary>Steps on the normalized sample, in order.</summary>
    public IReadOnlyList<ITensorTransform> TensorSteps { get; }

    /// <summary>Output channels (1 or 3).</summary>
    public int Channels => Normalize.Channels;

    /// <summary>Output height.</summary>
    public int Height { get; }

    /// <summary>Output width.</summary>
    public int Width { get; }

    /// <summary>Floats per sample: <c>Channels * Height * Width</c>.</summary>
    public int SampleSize => Channels * Height * Width;

    /// <summary>Runs the pipeline, consuming (disposing) <paramref name="image"/>, into <paramref name="chw"/> ([C, H, W]).</summary>
    public void Run(ImageU8 image, Random rng, Span<float> chw) => RunFrom(0, image, rng, chw);

    private void RunFrom(int firstStep, ImageU8 image, Random rng, Span<float> chw)
    {
        for (int i = firstStep; i < ImageSteps.Count; i++) image = ImageSteps[i].Apply(image, rng);
        using (image)
        {
            if (image.Width != Width || image.Height != Height)
                throw new InvalidOperationException(
                    $"the pipeline produced {image.Width}x{image.Height} but promises {Width}x{Height}; is the input smaller than the crop? ({this})");
            Normalize.Write(image, chw);
        }
        foreach (var step in TensorSteps) step.Apply(chw[..SampleSize], Channels, Height, Width, rng);
    }

    /// <summary>Runs the pipeline into a new array of <see cref="SampleSize"/> floats; deterministic pipelines may pass no <paramref name="rng"/>.</summary>
    public float[] Run(ImageU8 image, Random? rng = null)
    {
        var chw = new float[SampleSize];
        Run(image, rng ?? new Random(0), chw);
        return chw;
    }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Join(" -> ", ImageSteps.Select(s => s.ToString()).Append(Normalize.ToString()).Concat(TensorSteps.Select(s => s.ToString())))
        + $" => [{Channels}, {Height}, {Width}]";
}
