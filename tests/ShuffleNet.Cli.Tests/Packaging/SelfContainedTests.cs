using System.Text.RegularExpressions;

namespace ShuffleNet.Cli.Tests.Packaging;

/// <summary>
/// A clone of the repository alone passes <c>./test</c>: no test reads data beside the repository (a user has no
/// <c>../shared</c>), and every test project finds the repository one way, <c>tests/Shared/RepoPaths.cs</c>.
/// </summary>
public partial class SelfContainedTests
{
    // "../shared", "..", "shared" (Path.Combine), or an absolute path into this workplace
    [GeneratedRegex("""\.\.[/\\]+shared\b|"\.\."\s*,\s*"shared"|/work/""")]
    private static partial Regex OutsideTheRepository();

    private static readonly string Self =
        RepoPaths.InRepo("tests", "ShuffleNet.Cli.Tests", "Packaging", "SelfContainedTests.cs");

    /// <summary>The test sources and build files, and the scripts that run them.</summary>
    private static IEnumerable<string> TestSources() =>
        Directory.EnumerateFiles(RepoPaths.InRepo("tests"), "*", SearchOption.AllDirectories)
            .Where(f => Path.GetExtension(f) is ".cs" or ".csproj" or ".props" or ".targets")
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Append(RepoPaths.InRepo("test"))
            .Append(RepoPaths.InRepo(".ci", "run"))
            .Where(f => f != Self);

    [Fact]
    public void No_test_reads_outside_the_repository()
    {
        var offenders = TestSources()
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (f, i, line)))
            .Where(x => OutsideTheRepository().IsMatch(x.line))
            .Select(x => $"{Path.GetRelativePath(RepoPaths.Root, x.f)}:{x.i + 1}: {x.line.Trim()}")
            .ToList();
        Assert.True(offenders.Count == 0, "tests must read only the repository (put data under tests/reference, "
            + "see its README):\n" + string.Join('\n', offenders));
    }

    [Fact]
    public void Only_repo_paths_looks_for_the_repository_root()
    {
        var finders = TestSources()
            .Where(f => File.ReadAllText(f).Contains("\"ShuffleNet.sln\"", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(RepoPaths.Root, f));
        Assert.Equal([Path.Combine("tests", "Shared", "RepoPaths.cs")], finders);
    }
}
