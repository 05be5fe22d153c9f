using ShuffleNet.Vision.Decoding;

namespace ShuffleNet.Vision.Transforms;

/// <summary>
/// A step on 8-bit HWC images. <see cref="Apply"/> takes ownership of its input: it returns either the same
/// instance (changed in place) or a new one, having disposed the input.
/// </summary>
public interface IImageTransform
{
    /// <summary>Transforms <paramref name="image"/>; randomness only from <paramref name="rng"/>.</summary>
    ImageU8 Apply(ImageU8 image, Random rng);

    /// <summary>
    /// What <see cref="Apply"/> would make of a <paramref name="width"/> x <paramref name="height"/> image, whatever
    /// the random draws: its largest output size and the pixels it would allocate. Computed in 64 bits before
    /// anything is allocated, so <see cref="Pipeline"/> can refuse an image whose intermediates would not fit.
    /// </summary>
    SizePlan Plan(long width, long height);
}

/// <summary>
/// A step's output size and the pixels its images hold at their peak (output and temporaries together, counted in
/// pixels of any channel count, like Pillow's <c>MAX_IMAGE_PIXELS</c>); 64-bit, so absurd sizes are representable.
/// </summary>
/// <param name="Width">Output width.</param>
/// <param name="Height">Output height.</param>
/// <param name="PeakPixels">Pixels the step allocates at once; 0 for a step that works in place.</param>
public readonly record struct SizePlan(long Width, long Height, long PeakPixels);

/// <summary>A shape-preserving step on a normalized float32 CHW sample, after <see cref="Normalize"/>.</summary>
public interface ITensorTransform
{
    /// <summary>
    /// Transforms <paramref name="chw"/> ([<paramref name="channels"/>, <paramref name="height"/>,
    /// <paramref name="width"/>]) in place.
    /// </summary>
    void Apply(Span<float> chw, int channels, int height, int width, Random rng);
}
