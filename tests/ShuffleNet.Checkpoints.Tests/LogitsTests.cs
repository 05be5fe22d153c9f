using ShuffleNet.Checkpoints;

namespace ShuffleNet.Checkpoints.Tests;

public class LogitsTests
{
    // expected: numpy.argmax on the same scores (first maximum) for the NaN-free rows
    [Theory]
    [InlineData(new[] { 0.5f, 2f, -1f }, 1)]
    [InlineData(new[] { 3f, 3f, 1f, 3f }, 0)]
    [InlineData(new[] { -2f, -1f, -1f }, 1)]
    [InlineData(new[] { float.NegativeInfinity, float.NegativeInfinity }, 0)]
    [InlineData(new[] { 7f }, 0)]
    public void ArgMax_is_the_first_maximum(float[] scores, int expected) =>
        Assert.Equal(expected, Logits.ArgMax(scores));

    [Theory]
    [InlineData(new[] { float.NaN, 1f, 2f }, 2)]
    [InlineData(new[] { 1f, float.NaN, 0f }, 0)]
    [InlineData(new[] { float.NaN, float.NegativeInfinity }, 1)]
    [InlineData(new[] { float.NaN, float.NaN }, 0)]
    public void ArgMax_never_picks_a_NaN(float[] scores, int expected) =>
        Assert.Equal(expected, Logits.ArgMax(scores));

    [Fact]
    public void ArgMax_of_nothing_is_refused() =>
        Assert.Throws<ArgumentException>(() => Logits.ArgMax(ReadOnlySpan<float>.Empty));
}
