namespace ShuffleNet.Vision.Tests;

/// <summary>Locates the fixtures beside the sources and the shared reference data (../shared next to the repository).</summary>
internal static class TestPaths
{
    public static string RepoRoot { get; } = FindRoot();

    public static string Fixtures => Path.Combine(RepoRoot, "tests", "ShuffleNet.Vision.Tests", "Fixtures");

    public static string Shared => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));

    public static string Fixture(params string[] parts) => Path.Combine([Fixtures, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ShuffleNet.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no ShuffleNet.sln above {AppContext.BaseDirectory}");
    }
}
