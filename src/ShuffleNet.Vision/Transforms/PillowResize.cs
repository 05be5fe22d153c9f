using System.Buffers;
using ShuffleNet.Vision.Decoding;

namespace ShuffleNet.Vision.Transforms;

/// <summary>
/// Byte-exact reimplementations of Pillow 9.4's <c>Image.resize</c> for 8-bit RGB and L images: the separable
/// fixed-point convolution of libImaging/Resample.c for BILINEAR and BICUBIC (horizontal pass over only the rows
/// the vertical pass reads, then the vertical pass; passes whose size does not change are skipped) and the
/// affine nearest-neighbour scaling of libImaging/Geometry.c for NEAREST. Allocation-light: coefficient tables
/// are small, the intermediate image is rented.
/// </summary>
public static class PillowResize
{
    /// <summary>
    /// Resizes the whole image to <paramref name="width"/> x <paramref name="height"/>; the input is not disposed.
    /// </summary>
    public static ImageU8 Resize(ImageU8 src, int width, int height, Resample filter) =>
        Resize(src, CropBox.Full(src.Width, src.Height), width, height, filter);

    /// <summary>
    /// Crops <paramref name="region"/> and resizes it, exactly as <c>img.crop(region).resize((width, height),
    /// filter)</c> would (no pixels outside the region take part), without materializing the crop.
    /// </summary>
    public static ImageU8 Resize(ImageU8 src, CropBox region, int width, int height, Resample filter)
    {
        if (!region.FitsIn(src.Width, src.Height))
            throw new ArgumentOutOfRangeException(nameof(region), $"{region} does not fit in {src}");
        if (width <= 0 || height <= 0)
            throw new ArgumentOutOfRangeException(nameof(width), $"output size {width}x{height} must be positive");
        if (PeakPixels(region.Width, region.Height, width, height, filter) > Array.MaxLength / src.Channels)
            throw new ArgumentOutOfRangeException(nameof(width),
                $"resizing {region.Width}x{region.Height} to {width}x{height} needs more than one array holds");
        if (width == region.Width && height == region.Height) return Crop(src, region);
        if (filter == Resample.Nearest) return NearestResize.Apply(src, region, width, height);

        int c = src.Channels;
        var vert = ResampleCoefficients.Compute(region.Height, 0, region.Height, height, filter);
        bool needH = width != region.Width, needV = height != region.Height;
        int yFirst = vert.Bounds[0], yLast = vert.Bounds[height * 2 - 2] + vert.Bounds[height * 2 - 1];
        if (!needH)
        {
            var output = ImageU8.Rent(width, height, c);
            ResampleKernels.Vertical(src.Data, region.Y * src.Stride + region.X * c, src.Stride,
                output.Data, width * c, height, vert, 0);
            return output;
        }
        var horiz = ResampleCoefficients.Compute(region.Width, 0, region.Width, width, filter);
        var temp = needV ? ImageU8.Rent(width, yLast - yFirst, c) : ImageU8.Rent(width, height, c);
        ResampleKernels.Horizontal(src.Data, (region.Y + yFirst) * src.Stride + region.X * c, src.Stride,
            temp.Data, width, yLast - yFirst, c, horiz);
        if (!needV) return temp;
        try
        {
            var output = ImageU8.Rent(width, height, c);
            ResampleKernels.Vertical(temp.Data, 0, temp.Stride, output.Data, width * c, height, vert, yFirst);
            return output;
        }
        finally { temp.Dispose(); }
    }

    /// <summary>
    /// Pixels <see cref="Resize(ImageU8, CropBox, int, int, Resample)"/> allocates for a <paramref name="inWidth"/> x
    /// <paramref name="inHeight"/> region and a <paramref name="width"/> x <paramref name="height"/> output: the
    /// output, plus the horizontal pass's temporary (output width x the input rows the vertical pass reads) when both
    /// passes run. The coefficient tables are ints in proportion to the sides, far below either.
    /// </summary>
    public static long PeakPixels(long inWidth, long inHeight, long width, long height, Resample filter)
    {
        long output = Saturate((double)width * height);
        bool both = filter != Resample.Nearest && width != inWidth && height != inHeight;
        return both ? Saturate((double)width * inHeight + output) : output;
    }

    private static long Saturate(double pixels) => pixels >= long.MaxValue / 2 ? long.MaxValue / 2 : (long)pixels;

    /// <summary>Copies <paramref name="region"/> into a new image.</summary>
    public static ImageU8 Crop(ImageU8 src, CropBox region) => PixelCopy.Crop(src, region);
}
