using ShuffleNet.Checkpoints;

namespace ShuffleNet.Cli.Tests.Commands;

public class ConvertCommandTests
{
    [Fact]
    public void Conversion_to_torchvision_and_back_keeps_every_tensor()
    {
        using var dir = new CliRunner.TempDir();
        var tv = dir.File("tv.pth");
        var mm = dir.File("mm.pth");
        Assert.Equal(0, CliRunner.Run("convert", "--checkpoint", CliRunner.Reference("mmcls_1.0.pth"), "--output", tv,
            "--to", "torchvision").ExitCode);
        var tvFile = (System.Collections.IDictionary)TorchFile.Load(tv)!;
        Assert.Contains("stage2.0.branch1.0.weight", tvFile.Keys.Cast<object>());
        Assert.Equal(0, CliRunner.Run("convert", "--checkpoint", tv, "--output", mm).ExitCode);

        var original = CheckpointFile.Load(CliRunner.Reference("mmcls_1.0.pth")).StateDict;
        var back = CheckpointFile.Load(mm).StateDict;
        Assert.Equal(original.Keys, back.Keys);
        foreach (var (k, v) in original) Assert.Equal(v.Bytes, back[k].Bytes);
        Assert.Equal(new[] { "mm.pth", "tv.pth" }, Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Unwritable_output_is_a_clear_error_and_leaves_nothing()
    {
        var r = CliRunner.Run("convert", "--checkpoint", CliRunner.Reference("mmcls_1.0.pth"), "--output",
            "/nonexistent-dir/out.pth");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("/nonexistent-dir", r.Stderr);
        Assert.False(Directory.Exists("/nonexistent-dir"));
    }

    [Fact]
    public void Converting_a_text_file_is_refused()
    {
        using var dir = new CliRunner.TempDir();
        var bad = dir.File("notes.pth");
        File.WriteAllText(bad, "these are not weights");
        var r = CliRunner.Run("convert", "--checkpoint", bad, "--output", dir.File("out.pth"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("notes.pth", r.Stderr);
        Assert.False(File.Exists(dir.File("out.pth")));
    }
}
