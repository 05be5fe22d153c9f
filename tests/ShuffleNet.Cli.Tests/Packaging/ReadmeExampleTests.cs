using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ShuffleNet.Cli.Tests.Packaging;

/// <summary>
/// README's Library example is samples/QuickStart/Program.cs, which this project builds; here it is compared and run.
/// </summary>
public class ReadmeExampleTests
{
    private static readonly string Readme = File.ReadAllText(Path.Combine(CliRunner.RepoRoot, "README.md"));

    [Fact]
    public void The_readme_library_example_is_the_sample_program()
    {
        var library = Readme[Readme.IndexOf("\n## Library", StringComparison.Ordinal)..];
        var block = Regex.Match(library, @"```csharp\n(.*?)```", RegexOptions.Singleline).Groups[1].Value;
        Assert.Equal(File.ReadAllText(Path.Combine(CliRunner.RepoRoot, "samples", "QuickStart", "Program.cs")), block);
    }

    [Fact]
    public async Task The_readme_library_example_classifies_and_fine_tunes_offline()
    {
        // the checkpoint placed by hand under its published name, as the README says to do without network
        using var tmp = new CliRunner.TempDir();
        var cached = tmp.File("cache/checkpoints/shufflenet_v2_batch1024_imagenet_20200812-5bf4721e.pth");
        Directory.CreateDirectory(Path.GetDirectoryName(cached)!);
        File.Copy(CliRunner.Reference("mmcls_1.0.pth"), cached);
        foreach (var (cls, name) in new[] { ("cat", "chelsea.png"), ("other", "coffee.png"), ("other",
            "astronaut.png") })
        {
            Directory.CreateDirectory(tmp.File($"folder/{cls}"));
            File.Copy(CliRunner.Reference($"images/{name}"), tmp.File($"folder/{cls}/{name}"));
        }
        var image = CliRunner.Reference("images/chelsea.png");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true,
            WorkingDirectory = tmp.Path };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "QuickStart.dll"), image,
            tmp.File("folder") }) psi.ArgumentList.Add(a);
        psi.Environment["SHUFFLENET_CACHE"] = tmp.File("cache");
        using var p = Process.Start(psi)!;
        var (stdout, stderr) = (p.StandardOutput.ReadToEndAsync(), p.StandardError.ReadToEndAsync());
        using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5)))
            await p.WaitForExitAsync(timeout.Token);
        Assert.True(p.ExitCode == 0, await stdout + await stderr);
        var lines = (await stdout).Trim().Split('\n');
        var classes = File.ReadAllLines(CliRunner.Reference("imagenet_classes.txt"));
        Assert.Contains(lines[0][(image.Length + 2)..], classes);   // "IMAGE: <an ImageNet class>"
        Assert.Equal("fine-tuned cat, other: work_dirs/finetune/latest.pth", lines[1]);
        Assert.True(File.Exists(tmp.File("work_dirs/finetune/latest.pth")));
    }
}
