using ShuffleNet.Vision.Datasets;
using ShuffleNet.Vision.Decoding;

namespace ShuffleNet.Tests.Data;

/// <summary>A labelled set of small 8-bit images held as one HWC byte array, for tests of batch sources.</summary>
internal sealed class ArrayDataset(byte[] hwc, long[] labels, int channels, int height, int width,
    IReadOnlyList<string> classes) : IImageDataset
{
    private int Size => channels * height * width;

    public int Count => labels.Length;
    public int NumClasses => classes.Count;
    public IReadOnlyList<string> Classes => classes;
    public int GetLabel(int index) => (int)labels[index];
    public string Describe(int index) => $"array[{index}]";

    public ImageU8 Load(int index)
    {
        var image = ImageU8.Rent(width, height, channels);
        hwc.AsSpan(index * Size, Size).CopyTo(image.Pixels);
        return image;
    }

    /// <summary>CHW bytes (as the legacy source took them) to HWC (as images are held).</summary>
    public static byte[] FromChw(byte[] chw, int count, int channels, int height, int width)
    {
        int plane = height * width, size = channels * plane;
        var hwc = new byte[chw.Length];
        for (int i = 0; i < count; i++)
            for (int c = 0; c < channels; c++)
                for (int p = 0; p < plane; p++)
                    hwc[i * size + p * channels + c] = chw[i * size + c * plane + p];
        return hwc;
    }
}
