namespace ShuffleNet.Tests;

/// <summary>Where the tests find committed fixtures and the shared reference data (../shared beside the repository).</summary>
internal static class Paths
{
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ShuffleNet.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new DirectoryNotFoundException("ShuffleNet.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public static string Reference(string name) => Path.Combine(RepoRoot, "..", "shared", "reference", name);
}
