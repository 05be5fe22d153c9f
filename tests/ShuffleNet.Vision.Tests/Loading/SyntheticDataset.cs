using ShuffleNet.Vision.Datasets;
using ShuffleNet.Vision.Decoding;

namespace ShuffleNet.Vision.Tests.Loading;

/// <summary>In-memory images whose pixels encode their index; chosen indices fail to decode; optional delay.</summary>
internal sealed class SyntheticDataset(int count, ISet<int>? corrupt = null, int delayMs = 0) : IImageDataset
{
    public int Count => count;
    public int NumClasses => 5;
    public IReadOnlyList<string> Classes { get; } = ["a", "b", "c", "d", "e"];
    public int GetLabel(int index) => index % 5;
    public string Describe(int index) => $"/data/img{index}.jpg";
    public int Loads;

    public ImageU8 Load(int index)
    {
        Interlocked.Increment(ref Loads);
        if (delayMs > 0) Thread.Sleep(delayMs);
        if (corrupt?.Contains(index) == true) throw new ImageDecodeException(Describe(index),
            ImageDecodeError.Truncated, "the data ends early (truncated file)");
        var image = ImageU8.Rent(40, 30);
        var rng = new Random(index);
        rng.NextBytes(image.Pixels);
        return image;
    }
}
