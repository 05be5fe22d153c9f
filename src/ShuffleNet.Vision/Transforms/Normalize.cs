using ShuffleNet.Vision.Decoding;

namespace ShuffleNet.Vision.Transforms;

/// <summary>
/// HWC uint8 to CHW float32 with per-channel <c>(x / InputScale - mean) / std</c>, computed in float32 in that
/// order, as <c>(torch.from_numpy(x).permute(2, 0, 1).float() - mean) / std</c> does, or (with
/// <see cref="MultiplyAdd"/>) as <c>x * (1 / (InputScale * std)) - mean / std</c>. A 256-entry table per channel
/// holds exactly those float32 results, so the conversion is a lookup.
/// </summary>
public sealed class Normalize
{
    private readonly float[][] _table;

    /// <summary>Creates a normalization for <c>mean.Length</c> channels.</summary>
    public Normalize(float[] mean, float[] std, float inputScale = 1f, bool multiplyAdd = false)
    {
        if (mean.Length != std.Length || mean.Length is not (1 or 3))
            throw new ArgumentException($"mean ({mean.Length}) and std ({std.Length}) must both have 1 or 3 entries");
        Mean = mean; Std = std; InputScale = inputScale; MultiplyAdd = multiplyAdd;
        _table = new float[mean.Length][];
        for (int c = 0; c < mean.Length; c++)
        {
            _table[c] = new float[256];
            float scale = 1f / (inputScale * std[c]), shift = mean[c] / std[c];
            for (int v = 0; v < 256; v++)
                _table[c][v] = multiplyAdd ? v * scale - shift
                    : inputScale == 1f ? ((float)v - mean[c]) / std[c] : ((float)v / inputScale - mean[c]) / std[c];
        }
    }

    /// <summary>
    /// ImageNet statistics in 0-255 units (RGB), mmcls's <c>img_norm_cfg = dict(mean=[123.675, 116.28, 103.53],
    /// std=[58.395, 57.12, 57.375], to_rgb=True)</c>: torchvision's (0.485, 0.456, 0.406) / (0.229, 0.224, 0.225) times
    /// 255.
    /// </summary>
    public static Normalize ImageNet { get; } = new([123.675f, 116.28f, 103.53f], [58.395f, 57.12f, 57.375f]);

    /// <summary>
    /// Fashion-MNIST as the peer script: <c>(x / 255 - 0.2860) / 0.3530</c> (mean and std in 0-1 units), computed as
    /// one multiply-add, the arithmetic every recorded Fashion-MNIST model was trained and evaluated with (within one
    /// float32 ulp of the two-step formula; the recorded runs are byte-reproducible only with this one).
    /// </summary>
    public static Normalize FashionMnist { get; } = new([0.2860f], [0.3530f], inputScale: 255f, multiplyAdd: true);

    /// <summary>Plain conversion to float 0-255 for <paramref name="channels"/> channels (mean 0, std 1).</summary>
    public static Normalize Identity(int channels) => new(new float[channels], Enumerable.Repeat(1f, channels)
        .ToArray());

    /// <summary>Per-channel mean, in the units the input is in after dividing by <see cref="InputScale"/>.</summary>
    public IReadOnlyList<float> Mean { get; }

    /// <summary>Per-channel standard deviation, same units as <see cref="Mean"/>.</summary>
    public IReadOnlyList<float> Std { get; }

    /// <summary>Divisor applied to the raw byte first (1 or 255).</summary>
    public float InputScale { get; }

    /// <summary>
    /// Whether the table holds <c>x * (1 / (InputScale * std)) - mean / std</c> (one multiply-add) rather than
    /// the two-step formula; the two differ by at most one float32 ulp.
    /// </summary>
    public bool MultiplyAdd { get; }

    /// <summary>Number of channels this normalization expects.</summary>
    public int Channels => Mean.Count;

    /// <summary>
    /// Writes <paramref name="image"/> as normalized CHW float32 into <paramref name="chw"/> ([C, H, W]).
    /// </summary>
    public unsafe void Write(ImageU8 image, Span<float> chw)
    {
        int c = image.Channels, plane = image.Width * image.Height;
        if (c != Channels)
            throw new ArgumentException($"{image} has {c} channel(s); this normalization expects {Channels}");
        if (chw.Length < plane * c) throw new ArgumentException($"output of {chw.Length} floats is too small for " +
            $"{image}");
        fixed (byte* src = image.Data)
        fixed (float* dst = chw)
        {
            for (int ch = 0; ch < c; ch++)
            {
                fixed (float* t = _table[ch])
                {
                    byte* s = src + ch;
                    float* d = dst + (long)ch * plane;
                    for (int i = 0; i < plane; i++, s += c) d[i] = t[*s];
                }
            }
        }
    }

    /// <summary>
    /// The inverse of <see cref="Write"/>: normalized CHW float32 back to an 8-bit HWC image (rounded, clamped to
    /// 0-255), to show a person what the model was given.
    /// </summary>
    public ImageU8 ToImage(ReadOnlySpan<float> chw, int height, int width)
    {
        int c = Channels, plane = height * width;
        if (chw.Length != plane * c)
            throw new ArgumentException($"{chw.Length} floats are not {c}x{height}x{width}");
        var image = ImageU8.Rent(width, height, c);
        var pixels = image.Pixels;
        for (int ch = 0; ch < c; ch++)
            for (int i = 0; i < plane; i++)
            {
                double v = (chw[ch * plane + i] * Std[ch] + Mean[ch]) * InputScale;
                pixels[i * c + ch] = (byte)Math.Clamp(Math.Round(v), 0, 255);
            }
        return image;
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"Normalize(mean=[{string.Join(", ", Mean)}], " +
            $"std=[{string.Join(", ", Std)}]{(InputScale == 1f ? "" : $", x/{InputScale}")})";
}
