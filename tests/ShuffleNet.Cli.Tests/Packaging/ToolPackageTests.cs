using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;

namespace ShuffleNet.Cli.Tests.Packaging;

/// <summary>
/// The <c>dotnet tool</c> package as a user gets it: packed, installed from a local feed, run. One test, because
/// packing compresses libtorch (about 0.5 GB) and installing unpacks it.
/// </summary>
public class ToolPackageTests
{
    [Fact]
    public void The_packed_tool_installs_from_a_local_feed_and_runs()
    {
        using var tmp = new CliRunner.TempDir();
        var (feed, tools) = (tmp.File("feed"), tmp.File("tools"));
        var version = (string)XDocument.Load(Path.Combine(CliRunner.RepoRoot, "Directory.Build.props"))
            .Descendants("Version").Single();
        // --no-build: the test project has just built the CLI (Debug); packing again would rebuild everything
        Dotnet("pack", Path.Combine(CliRunner.RepoRoot, "src", "ShuffleNet.Cli", "ShuffleNet.Cli.csproj"),
            "-c", "Debug", "--no-build", "-o", feed, "--nologo", "-v", "q");
        var package = Path.Combine(feed, $"ShuffleNet.Cli.{version}.nupkg");
        using (var zip = ZipFile.OpenRead(package))
        {
            var names = zip.Entries.Select(e => e.FullName).ToList();
            Assert.Contains("README.md", names);
            Assert.Contains("LICENSE", names);
            // the tool needs no other install
            Assert.Contains(names, n => n.EndsWith("/libtorch_cpu.so", StringComparison.Ordinal));
            // fast JPEGs (system libjpeg-turbo)
            Assert.Contains(names, n => n.EndsWith("/libshufflenet_jpeg.so", StringComparison.Ordinal));
            Assert.DoesNotContain(names, n => n.EndsWith("/libtorch_python.so", StringComparison.Ordinal));
        }
        Assert.True(File.Exists(Path.ChangeExtension(package, ".snupkg")), "symbols package");
        // --ignore-failed-sources: offline, nuget.org fails and the local feed is enough (the tool carries its
        // dependencies)
        Dotnet("tool", "install", "--tool-path", tools, "--add-source", feed, "--ignore-failed-sources",
            "ShuffleNet.Cli", "--version", version);
        var shufflenet = Path.Combine(tools, "shufflenet");
        Assert.Equal(version, Run(shufflenet, "--version").Trim());
        var info = Run(shufflenet, "info", "--arch", "1.0x");
        Assert.Contains("2,278,604", info);
        Assert.Contains("JPEG decoder libjpeg-turbo (system, SIMD)", string.Join(' ', info.Split((char[]?)null,
            StringSplitOptions.RemoveEmptyEntries)));
    }

    private static string Dotnet(params string[] args) => Run("dotnet", args);

    private static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(10))) { p.Kill(true);
            throw new TimeoutException($"{file} {string.Join(' ', args)}"); }
        Assert.True(p.ExitCode == 0, $"{file} {string.Join(' ', args)} exited " +
            $"{p.ExitCode}:\n{stdout.Result}\n{stderr.Result}");
        return stdout.Result;
    }
}
