using ShuffleNet.Vision.Transforms;

namespace ShuffleNet.Vision.Tests.Transforms;

public class AugmentOpTests
{
    [Theory]
    [MemberData(nameof(AugmentCase.Indices), MemberType = typeof(AugmentCase))]
    public void Each_op_matches_pillow_9_4_byte_for_byte(int index)
    {
        var c = AugmentCase.Get(index);
        using var output = c.Op.Run(c.Image(), c.Magnitude, c.Settings);
        var actual = output.ToArray();
        int differ = 0, worst = 0, first = -1;
        for (int i = 0; i < actual.Length; i++)
        {
            int d = Math.Abs(actual[i] - c.Expected[i]);
            if (d == 0) continue;
            differ++;
            worst = Math.Max(worst, d);
            if (first < 0) first = i;
        }
        Assert.True(differ == 0,
            $"{c}: {differ} of {actual.Length} bytes differ (worst by {worst}; first at {first}: " +
            $"{(first < 0 ? "" : $"{actual[first]} vs Pillow's {c.Expected[first]}")})");
    }
}
