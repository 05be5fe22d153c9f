using ShuffleNet.Vision.Decoding;

namespace ShuffleNet.Vision.Transforms;

/// <summary>
/// 8-bit image steps, then <see cref="Normalize"/> into a fixed-shape float32 CHW sample, then tensor steps.
/// Stateless and thread-safe: all randomness comes from the <see cref="Random"/> passed to
/// <see cref="Run(ImageU8, Random, Span{float}, string)"/>.
/// </summary>
public sealed class Pipeline
{
    /// <summary>
    /// Creates a pipeline whose output is [<paramref name="height"/>, <paramref name="width"/>] with the
    /// normalization's channel count.
    /// </summary>
    public Pipeline(IReadOnlyList<IImageTransform> imageSteps, Normalize normalize, int height, int width,
        IReadOnlyList<ITensorTransform>? tensorSteps = null, bool regionDecode = false)
    {
        ImageSteps = imageSteps; Normalize = normalize; Height = height; Width = width;
        TensorSteps = tensorSteps ?? [];
        RegionDecode = regionDecode && imageSteps.Count > 0 && imageSteps[0] is RandomResizedCrop;
    }

    /// <summary>
    /// The most pixels the steps may allocate for one image (default Pillow's <c>MAX_IMAGE_PIXELS</c>, the decoder's
    /// own limit): checked from the image's size by <see cref="CheckSize(int, int, string, int)"/> before any step
    /// runs, so a 1 x 1,000,000 image that <see cref="ResizeEdge"/> would turn into 256 x 256,000,000 is refused at
    /// once, naming the file.
    /// </summary>
    public long MaxPixels { get; init; } = DecoderOptions.PillowMaxPixels;

    /// <summary>
    /// Refuses an input of <paramref name="width"/> x <paramref name="height"/> for which a step from
    /// <paramref name="firstStep"/> on would allocate more than <see cref="MaxPixels"/>, naming
    /// <paramref name="name"/>.
    /// </summary>
    /// <exception cref="ImageDecodeException">The image is too large to process
    /// (<see cref="ImageDecodeException.TooLarge"/>).</exception>
    public void CheckSize(int width, int height, string name, int firstStep = 0) =>
        CheckSize(width, height, name, MaxPixels, "Pipeline.MaxPixels", firstStep);

    /// <summary>
    /// <see cref="CheckSize(int, int, string, int)"/> against a caller's own limit, <paramref name="maxPixels"/>, which
    /// the message names as <paramref name="limitName"/> (a service's option, say): one walk over the steps' plans for
    /// every caller, so none has to know which steps can grow an image.
    /// </summary>
    /// <exception cref="ImageDecodeException">The image is too large to process
    /// (<see cref="ImageDecodeException.TooLarge"/>).</exception>
    public void CheckSize(int width, int height, string name, long maxPixels, string limitName, int firstStep = 0)
    {
        long w = width, h = height;
        for (int i = firstStep; i < ImageSteps.Count; i++)
        {
            var plan = ImageSteps[i].Plan(w, h);
            if (plan.PeakPixels > maxPixels)
                throw ImageDecodeException.TooLarge(name,
                    $"it is {width:N0}x{height:N0}, and {ImageSteps[i]} would make {plan.Width:N0}x{plan.Height:N0} " +
                    $"({plan.PeakPixels:N0} pixels with its temporaries), above the limit of {maxPixels:N0} " +
                    $"({limitName}); crop or shrink the image");
            (w, h) = (plan.Width, plan.Height);
        }
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
            Run(decoder.Decode(encoded, name), rng, chw, name);
            return;
        }
        var rrc = (RandomResizedCrop)ImageSteps[0];
        var (region, _) = decoder.DecodeRegion(encoded, (w, h) =>
        {
            CheckSize(w, h, name);   // from the header, before the crop is decoded
            return rrc.SampleParams(h, w, rng);
        }, name);
        ImageU8 image;
        using (region) image = PillowResize.Resize(region, rrc.Size, rrc.Size, rrc.Interpolation);
        RunFrom(1, image, rng, chw, name);
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

    /// <summary>
    /// Runs the pipeline, consuming (disposing) <paramref name="image"/>, into <paramref name="chw"/> ([C, H, W]),
    /// after <see cref="CheckSize(int, int, string, int)"/>; <paramref name="name"/> (the file) appears in errors.
    /// </summary>
    /// <exception cref="ImageDecodeException">The image is too large to process.</exception>
    public void Run(ImageU8 image, Random rng, Span<float> chw, string name = "<image>") =>
        RunFrom(0, image, rng, chw, name);

    private void RunFrom(int firstStep, ImageU8 image, Random rng, Span<float> chw, string name)
    {
        try
        {
            CheckSize(image.Width, image.Height, name, firstStep);
            for (int i = firstStep; i < ImageSteps.Count; i++) image = ImageSteps[i].Apply(image, rng);
        }
        catch
        {
            image.Dispose();   // idempotent: a step that failed may have disposed it already
            throw;
        }
        using (image)
        {
            if (image.Width != Width || image.Height != Height)
                throw new InvalidOperationException(
                    $"the pipeline produced {image.Width}x{image.Height} from '{name}' but promises " +
                    $"{Width}x{Height}; " +
                    $"is the input smaller than the crop? ({this})");
            Normalize.Write(image, chw);
        }
        foreach (var step in TensorSteps) step.Apply(chw[..SampleSize], Channels, Height, Width, rng);
    }

    /// <summary>
    /// Runs the pipeline into a new array of <see cref="SampleSize"/> floats; deterministic pipelines may pass no
    /// <paramref name="rng"/>.
    /// </summary>
    public float[] Run(ImageU8 image, Random? rng = null, string name = "<image>")
    {
        var chw = new float[SampleSize];
        Run(image, rng ?? new Random(0), chw, name);
        return chw;
    }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Join(" -> ", ImageSteps.Select(s => s.ToString()).Append(Normalize.ToString())
            .Concat(TensorSteps.Select(s => s.ToString())))
        + $" => [{Channels}, {Height}, {Width}]";
}
