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
}
