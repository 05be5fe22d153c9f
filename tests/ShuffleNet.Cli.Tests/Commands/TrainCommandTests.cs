namespace ShuffleNet.Cli.Tests.Commands;

public class TrainCommandTests
{
    [Theory]
    [InlineData("schedule.power=Infinity",
        "error: --set schedule.power=Infinity: 'schedule.power' is Infinity; it must be a finite number " +
        "(a positive number)")]
    [InlineData("optimizer.weight_decay=NaN",
        "error: --set optimizer.weight_decay=NaN: 'optimizer.weight_decay' is NaN; it must be a finite number " +
        "(0 or more)")]
    public void A_non_finite_set_is_refused_before_any_work(string assignment, string expected)
    {
        using var dir = new CliRunner.TempDir();
        var r = CliRunner.Run("train", "--work-dir", dir.File("run"), "--set", assignment);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(expected, r.Stderr.Trim());
        Assert.False(Directory.Exists(dir.File("run")));
    }

    [Fact]
    public void A_config_with_a_duplicate_key_is_refused_naming_the_file_and_the_key()
    {
        using var dir = new CliRunner.TempDir();
        var config = dir.File("dup.json");
        File.WriteAllText(config, """{"optimizer": {"lr": 0.1, "lr": 0.2}}""");
        var r = CliRunner.Run("train", "--config", config, "--work-dir", dir.File("run"));
        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"error: config '{config}': key 'optimizer.lr' is given twice; keep one", r.Stderr.Trim());
    }

    [Fact]
    public void Dry_run_prints_the_schedule_and_plots_it_without_training()
    {
        using var dir = new CliRunner.TempDir();
        var png = dir.File("lr.png");
        // 1,000 images at batch 100: 10 iterations per epoch, 30 in all; linear warm-up of 5 from 0.1 x 0.2
        var r = CliRunner.Run("train", "--dry-run", "--dataset-size", "1000", "--plot", png, "--work-dir",
            dir.File("run"),
            "--set", "data.batch_size=100", "--set", "optimizer.base_batch_size=0", "--set", "optimizer.lr=0.2",
            "--set", "schedule.epochs=3", "--set", "schedule.warmup=linear", "--set", "schedule.warmup_iters=5",
            "--set", "schedule.warmup_factor=0.1", "--set", "schedule.policy=cosine");
        Assert.Equal(0, r.ExitCode);
        var text = System.Text.RegularExpressions.Regex.Replace(r.Stdout, @"\s+", " ");   // the console wraps lines
        Assert.Contains("3 epochs of 10 iterations", text);
        Assert.Contains("30 in all", text);
        // first step 0.2 x 0.1; the last warm-up step 0.2 x (0.1 + 0.9 x 4/5); cosine from 0.2 over 25 iterations
        foreach (var lr in new[] { "0.02", "0.164", "0.2", "0.00078853" })
            Assert.Contains(lr, r.Stdout);
        var bytes = File.ReadAllBytes(png);
        Assert.True(bytes.Length > 5000);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        Assert.False(Directory.Exists(dir.File("run")));
    }

    [Theory]
    [InlineData("--plot", "lr.png", "--plot draws the schedule of a --dry-run")]
    [InlineData("--dataset-size", "1000", "--dataset-size stands in for the dataset in a --dry-run")]
    public void Dry_run_options_without_dry_run_are_refused(string option, string value, string says)
    {
        using var dir = new CliRunner.TempDir();
        var r = CliRunner.Run("train", option, option == "--plot" ? dir.File(value) : value, "--work-dir",
            dir.File("run"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains(says, r.Stderr);
        Assert.False(Directory.Exists(dir.File("run")));
    }
}
