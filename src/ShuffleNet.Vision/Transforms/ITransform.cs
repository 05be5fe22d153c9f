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
}

/// <summary>A shape-preserving step on a normalized float32 CHW sample, after <see cref="Normalize"/>.</summary>
public interface ITensorTransform
{
    /// <summary>Transforms <paramref name="chw"/> ([<paramref name="channels"/>, <paramref name="height"/>, <paramref name="width"/>]) in place.</summary>
    void Apply(Span<float> chw, int channels, int height, int width, Random rng);
}
