using ShuffleNet.Training;

namespace ShuffleNet.Tests.Training;

public class LrScheduleTests
{
    // mmpretrain's 16xb64 run: ceil(1,281,167 / 16 / 64) = 1252 iterations per epoch, 300 epochs
    private const long ImageNetMaxIters = 300 * 1252;

    private static LrSchedule ImageNet()
    {
        var c = ConfigLoader.Load(Path.Combine(Paths.RepoRoot, "configs", "shufflenet-v2-1x_16xb64_in1k.json"));
        return new LrSchedule(c.Schedule, LrSchedule.ScaledLr(c.Optimizer, 16 * c.Data.BatchSize), ImageNetMaxIters);
    }

    [Theory]
    [InlineData(0, 0.05)]                                   // ConstantLR: 0.1 x 0.5
    [InlineData(4999, 0.05)]                                // last warm-up iteration
    [InlineData(5000, 0.5)]                                 // PolyLR begins at the full rate
    [InlineData(190300, 0.25)]                              // halfway from 5000 to 375600
    [InlineData(375599, 0.5 / 370600)]                      // last iteration: one step before 0
    public void The_ImageNet_recipe_holds_a_tenth_for_5000_iterations_then_decays_linearly(long iter,
        double expected) =>
        Assert.Equal(expected, ImageNet().At(iter), 12);

    [Fact]
    public void The_learning_rate_scales_linearly_with_the_batch_as_auto_scale_lr_does()
    {
        var c = ConfigLoader.Load(Path.Combine(Paths.RepoRoot, "configs", "shufflenet-v2-1x_16xb64_in1k.json"));
        Assert.Equal(0.5, LrSchedule.ScaledLr(c.Optimizer, 1024), 12);
        Assert.Equal(0.03125, LrSchedule.ScaledLr(c.Optimizer, 64), 12);
    }

    [Fact]
    public void Cosine_without_warmup_matches_the_peers_per_iteration_formula()
    {
        var s = new LrSchedule(new ScheduleConfig(Policy: "cosine", Warmup: "none", WarmupIters: 0), 0.1, 4680);
        foreach (var it in new[] { 0, 1, 2340, 4679 })
            Assert.Equal(0.1 * 0.5 * (1 + Math.Cos(Math.PI * it / 4680)), s.At(it), 12);
    }

    [Fact]
    public void Linear_warmup_rises_from_the_start_factor_to_the_base_rate()
    {
        var s = new LrSchedule(new ScheduleConfig(Warmup: "linear", WarmupIters: 100, WarmupFactor: 0.25), 1.0, 1100);
        Assert.Equal(0.25, s.At(0), 12);
        Assert.Equal(0.625, s.At(50), 12);
        Assert.Equal(1.0, s.At(100), 12);
    }
}
