using ShuffleNet.Vision.Datasets;
using ShuffleNet.Vision.Decoding;
using ShuffleNet.Vision.Loading;
using ShuffleNet.Vision.Transforms;

namespace ShuffleNet.Vision.Tests.Loading;

public class SkipPolicyTests
{
    /// <summary>
    /// Small images; chosen indices fail with a decode error, others with any exception, others are too large.
    /// </summary>
    private sealed class FailingDataset(int count, Func<int, Exception?> failure, Func<int, (int W,
        int H)>? size = null) : IImageDataset
    {
        public int Count => count;
        public int NumClasses => 2;
        public IReadOnlyList<string> Classes { get; } = ["a", "b"];
        public int GetLabel(int index) => index % 2;
        public string Describe(int index) => $"/data/img{index}.png";

        public ImageU8 Load(int index)
        {
            if (failure(index) is { } e) throw e;
            var (w, h) = size?.Invoke(index) ?? (20, 20);
            var image = ImageU8.Rent(w, h);
            image.Pixels.Clear();
            return image;
        }
    }

    private static readonly Pipeline Eval = Presets.ImageNetEval(resize: 16, crop: 16);

    [Fact]
    public void Any_failure_is_skipped_with_its_reason_and_the_others_are_loaded()
    {
        var ds = new FailingDataset(10, i => i switch
        {
            2 => new ImageDecodeException("/data/img2.png", ImageDecodeError.Truncated, "the data ends early"),
            5 => new InvalidOperationException("a reader bug"),
            _ => null,
        }, i => i == 7 ? (1, 1_000_000) : (20, 20));
        var reported = new List<SkippedSample>();
        var loader = new DataLoader(ds, Eval, new LoaderOptions
        {
            BatchSize = 4, Shuffle = false, Workers = 2, OnCorruptImage = CorruptImagePolicy.Skip,
                OnSkipped = reported.Add,
        });
        var loaded = new List<int>();
        foreach (var b in loader.GetEpoch(0)) using (b) loaded.AddRange(b.Indices[..b.Count]);
        Assert.Equal([0, 1, 3, 4, 6, 8, 9], loaded);
        Assert.Equal([2, 5, 7], reported.Select(s => s.Index));
        Assert.Equal("cannot decode image '/data/img2.png': the data ends early", reported[0].Message);
        Assert.Equal("image '/data/img5.png': a reader bug", reported[1].Message);
        Assert.StartsWith("image '/data/img7.png' is too large to process", reported[2].Message);
    }

    [Fact]
    public void Samples_of_a_last_batch_that_ends_up_empty_are_reported_too()
    {
        var reported = new List<SkippedSample>();
        var loader = new DataLoader(new FailingDataset(6, i => i >= 4 ? new IOException("gone") : null), Eval,
            new LoaderOptions
        {
            BatchSize = 4, Shuffle = false, Workers = 1, OnCorruptImage = CorruptImagePolicy.Skip,
                OnSkipped = reported.Add,
        });
        Assert.Equal([4], loader.GetEpoch(0).Select(b => { using (b) return b.Count; }));
        Assert.Equal([4, 5], reported.Select(s => s.Index));
    }
}
