using ShuffleNet.Evaluation;
using static TorchSharp.torch;

namespace ShuffleNet.Tests.Evaluation;

public class AccuracyMeterTests
{
    [Fact]
    public void Top1_and_top5_count_hand_made_logits_correctly()
    {
        ShuffleNet.Platform.TorchRuntime.EnsureLoaded();
        // 7 classes; ranks of the true label: 1st, 2nd, 5th, 6th
        using var logits = tensor(new float[]
        {
            9, 1, 2, 3, 4, 5, 6,     // label 0: rank 1
            1, 8, 9, 2, 3, 4, 0,     // label 1: rank 2
            7, 6, 5, 4, 3, 2, 1,     // label 4: rank 5
            7, 6, 5, 4, 3, 2, 1,     // label 5: rank 6
        }, 4, 7);
        using var labels = tensor(new long[] { 0, 1, 4, 5 });
        var meter = new AccuracyMeter(7);
        meter.Update(logits, labels);
        Assert.Equal(25.0, meter.Top1, 9);
        Assert.Equal(75.0, meter.Top5, 9);
        // batches accumulate: 2 of 5 first, 4 of 5 in the top 5
        meter.Update(logits.narrow(0, 0, 1), labels.narrow(0, 0, 1));
        Assert.Equal(40.0, meter.Top1, 9);
        Assert.Equal(80.0, meter.Top5, 9);
        var perClass = meter.PerClass();
        Assert.Equal(100.0, perClass[0].Top1);
        Assert.Equal(2, perClass[0].Count);
        Assert.Equal(0.0, perClass[1].Top1);
    }

    [Fact]
    public void With_fewer_than_five_classes_top5_covers_them_all()
    {
        ShuffleNet.Platform.TorchRuntime.EnsureLoaded();
        using var logits = tensor(new float[] { 0, 1, 2, 2, 1, 0 }, 2, 3);
        var meter = new AccuracyMeter(3);
        meter.Update(logits, tensor(new long[] { 0, 0 }));
        Assert.Equal(50.0, meter.Top1, 9);
        Assert.Equal(100.0, meter.Top5, 9);
    }

    [Fact]
    public void A_label_beyond_the_classes_is_rejected() =>
        Assert.Throws<ArgumentException>(() => new AccuracyMeter(3).Update(zeros(1, 3), tensor(new long[] { 3 })));
}
