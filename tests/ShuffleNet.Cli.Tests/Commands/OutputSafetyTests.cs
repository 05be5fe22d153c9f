using System.Diagnostics;
using ShuffleNet.Checkpoints;

namespace ShuffleNet.Cli.Tests.Commands;

/// <summary>
/// export and convert never destroy their input or a special file given as --output, and never drop meta silently.
/// </summary>
public class OutputSafetyTests
{
    private static string Checkpoint(CliRunner.TempDir dir)
    {
        var copy = dir.File("model.pth");
        File.Copy(CliRunner.Reference("mmcls_1.0.pth"), copy);
        return copy;
    }

    // a device node of our own (root: a copy of /dev/null's numbers), else a FIFO: never the real /dev/null, which a
    // broken check would replace
    private static string SpecialFile(CliRunner.TempDir dir)
    {
        var node = dir.File("node");
        if (Run("mknod", node, "c", "1", "3") != 0) Assert.Equal(0, Run("mkfifo", node));
        return node;
    }

    [Fact]
    public void Export_onto_its_own_checkpoint_is_refused_and_the_checkpoint_is_kept()
    {
        using var dir = new CliRunner.TempDir();
        var ckpt = Checkpoint(dir);
        var before = File.ReadAllBytes(ckpt);
        var r = CliRunner.Run("export", "--checkpoint", ckpt, "--output", ckpt);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"error: cannot write '{ckpt}': it is the input '{ckpt}', which would be destroyed; write to " +
            "another file", r.Stderr.Trim());
        Assert.Equal(before, File.ReadAllBytes(ckpt));
    }

    [Fact]
    public void Export_onto_a_hard_link_or_a_symbolic_link_of_its_checkpoint_is_refused()
    {
        using var dir = new CliRunner.TempDir();
        var ckpt = Checkpoint(dir);
        var hard = dir.File("hard.onnx");
        Assert.Equal(0, Run("ln", ckpt, hard));
        var soft = dir.File("soft.onnx");
        File.CreateSymbolicLink(soft, ckpt);
        var byHardLink = CliRunner.Run("export", "--checkpoint", ckpt, "--output", hard);
        Assert.Equal(1, byHardLink.ExitCode);
        Assert.Contains("it is the input", byHardLink.Stderr);
        var bySymlink = CliRunner.Run("export", "--checkpoint", ckpt, "--output", soft);
        Assert.Equal(1, bySymlink.ExitCode);
        Assert.Contains("it is a symbolic link", bySymlink.Stderr);
        Assert.Equal(File.ReadAllBytes(CliRunner.Reference("mmcls_1.0.pth")), File.ReadAllBytes(ckpt));
        Assert.Equal(ckpt, new FileInfo(soft).LinkTarget);
    }

    [Theory]
    [InlineData("export")]
    [InlineData("convert")]
    public void A_device_node_or_fifo_as_output_is_refused_and_stays(string command)
    {
        using var dir = new CliRunner.TempDir();
        var node = SpecialFile(dir);
        var kind = Kind(node);
        var r = CliRunner.Run(command, "--checkpoint", CliRunner.Reference("mmcls_1.0.pth"), "--output", node);
        Assert.Equal(1, r.ExitCode);
        Assert.Matches("it is a (character device|named pipe)", r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Equal(kind, Kind(node));   // still the device (or FIFO), not a regular file
    }

    [Fact]
    public void Convert_onto_a_symbolic_link_is_refused_and_the_link_target_is_kept()
    {
        using var dir = new CliRunner.TempDir();
        var target = dir.File("keep.txt");
        File.WriteAllText(target, "precious");
        var link = dir.File("out.pth");
        File.CreateSymbolicLink(link, target);
        var r = CliRunner.Run("convert", "--checkpoint", CliRunner.Reference("mmcls_1.0.pth"), "--output", link);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"it is a symbolic link to '{target}'", r.Stderr);
        Assert.Equal("precious", File.ReadAllText(target));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Convert_in_place_keeps_the_mode_and_the_class_names()
    {
        using var dir = new CliRunner.TempDir();
        var ckpt = Checkpoint(dir);
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        File.SetUnixFileMode(ckpt, mode);
        var r = CliRunner.Run("convert", "--checkpoint", ckpt, "--output", ckpt);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(mode, File.GetUnixFileMode(ckpt));
        Assert.Equal(1000, CheckpointFile.Load(ckpt).Classes!.Count);
        Assert.Equal(["model.pth"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Convert_to_torchvision_says_what_it_does_not_keep_and_refuses_to_drop_it_in_place()
    {
        using var dir = new CliRunner.TempDir();
        var ckpt = Checkpoint(dir);
        var r = CliRunner.Run("convert", "--checkpoint", ckpt, "--output", dir.File("tv.pth"), "--to", "torchvision",
            "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("does not keep the 1000 class names", r.Stderr);
        Assert.Contains("CLASSES", r.Json.GetProperty("not_kept").EnumerateArray().Select(e => e.GetString()));
        Assert.Null(CheckpointFile.Load(dir.File("tv.pth")).Classes);

        var before = File.ReadAllBytes(ckpt);
        var inPlace = CliRunner.Run("convert", "--checkpoint", ckpt, "--output", ckpt, "--to", "torchvision");
        Assert.Equal(1, inPlace.ExitCode);
        Assert.Contains("would lose its 1000 class names", inPlace.Stderr);
        Assert.Equal(before, File.ReadAllBytes(ckpt));
    }

    private static string Kind(string path)
    {
        using var p = Process.Start(new ProcessStartInfo("stat", ["-c", "%F",
            path]) { RedirectStandardOutput = true })!;
        var text = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return text;
    }

    private static int Run(string program, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardError = true })!;
        p.WaitForExit();
        return p.ExitCode;
    }
}

public class PlotOutputTests
{
    [Theory]
    [InlineData("guidelines")]
    [InlineData("compare")]
    public void A_plot_that_cannot_be_written_is_refused_before_measuring(string command)
    {
        using var dir = new CliRunner.TempDir();
        var folder = Directory.CreateDirectory(dir.File("chart.png")).FullName;
        var r = CliRunner.Run(command, "--plot", folder, "--iterations", "1", "--warmup", "0");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"error: cannot write '{folder}': it is a directory, not a regular file; give the path of a new " +
            "or regular file",
            r.Stderr.Trim());
        Assert.Equal("", r.Stdout);
    }
}
