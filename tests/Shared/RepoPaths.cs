namespace ShuffleNet.Testing;

/// <summary>
/// The one way every test project finds the repository: the nearest folder above the test assembly that holds
/// <c>ShuffleNet.sln</c>. Linked into each test project by <c>tests/Directory.Build.props</c>. Tests read only
/// what is inside the repository (a bare clone passes <c>./test</c>); <c>RepositoryTests</c> keeps it so.
/// </summary>
internal static class RepoPaths
{
    /// <summary>The repository root (the folder holding <c>ShuffleNet.sln</c>).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>
    /// <c>tests/reference</c>: PyTorch reference data several test projects share (see its README.md).
    /// </summary>
    public static string ReferenceDir { get; } = Path.Combine(Root, "tests", "reference");

    /// <summary>A file under <c>tests/reference</c>, e.g. <c>Reference("images", "coffee.png")</c>.</summary>
    public static string Reference(params string[] parts) => Path.Combine([ReferenceDir, .. parts]);

    /// <summary>A path inside the repository, e.g. <c>InRepo("tests", "ShuffleNet.Tests", "Fixtures")</c>.</summary>
    public static string InRepo(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ShuffleNet.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no ShuffleNet.sln above {AppContext.BaseDirectory}");
    }
}
