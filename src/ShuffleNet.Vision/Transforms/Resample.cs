namespace ShuffleNet.Vision.Transforms;

/// <summary>
/// Resampling filters, with Pillow's meaning (<c>Image.NEAREST</c>, <c>Image.BILINEAR</c>, <c>Image.BICUBIC</c>).
/// </summary>
public enum Resample
{
    /// <summary>Pillow's NEAREST: the pixel whose cell holds the sample point (no antialiasing).</summary>
    Nearest,

    /// <summary>Pillow's BILINEAR: triangle filter widened by the scale when shrinking (antialiased).</summary>
    Bilinear,

    /// <summary>Pillow's BICUBIC: Keys cubic with a = -0.5, widened by the scale when shrinking.</summary>
    Bicubic,
}
