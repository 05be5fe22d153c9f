namespace ShuffleNet.Serving.Tests.Support;

/// <summary>The reference photos, checkpoint and PyTorch's expected top-5 (../shared next to the repository).</summary>
internal static class TestData
{
    public static string RepoRoot { get; } = FindRoot();

    public static string Reference(string name) => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "reference", name));

    public static string Photo(string name) => Reference(Path.Combine("images", name));

    public static readonly string[] Photos = ["astronaut.png", "chelsea.png", "coffee.png"];

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ShuffleNet.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no ShuffleNet.sln above {AppContext.BaseDirectory}");
    }
}
