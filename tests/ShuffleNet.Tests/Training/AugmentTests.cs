using ShuffleNet.Training;
using ShuffleNet.Vision.Transforms;

namespace ShuffleNet.Tests.Training;

public class AugmentTests
{
    private static InMemorySource Source(RandomErasing? erasing)
    {
        const int n = 16, side = 12;
        var images = Enumerable.Range(0, n * side * side).Select(i => (byte)(100 + i % 100)).ToArray();   // never the mean: no zeros
        var labels = Enumerable.Range(0, n).Select(i => (long)(i % 3)).ToArray();
        return new InMemorySource(images, labels, [1, side, side], ["a", "b", "c"], 0.1f, 0.3f, 8, new Augment(0, false, 5, erasing));
    }

    [Fact]
    public void Random_erasing_zeroes_one_rectangle_per_sample_and_leaves_the_rest_of_the_batch_as_without_it()
    {
        var plain = Source(null).Epoch(2).First();
        var erased = Source(new RandomErasing(probability: 1)).Epoch(2).First();
        Assert.Equal(plain.Labels, erased.Labels);   // same shuffle
        int size = 12 * 12, samplesErased = 0;
        for (int s = 0; s < plain.Labels.Length; s++)
        {
            var a = plain.Images.AsSpan(s * size, size);
            var b = erased.Images.AsSpan(s * size, size);
            int zeros = 0;
            for (int p = 0; p < size; p++)
            {
                if (b[p] == 0) zeros++;
                else Assert.Equal(a[p], b[p]);
            }
            Assert.DoesNotContain(0f, a.ToArray());
            samplesErased += zeros > 0 ? 1 : 0;
        }
        Assert.True(samplesErased >= 6, $"only {samplesErased} of 8 samples erased at probability 1");
    }
}
