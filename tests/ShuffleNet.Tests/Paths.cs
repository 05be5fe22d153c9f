namespace ShuffleNet.Tests;

/// <summary>
/// Where the tests find this project's fixtures and the PyTorch reference data (<see cref="RepoPaths"/>).
/// </summary>
internal static class Paths
{
    public static string Fixture(string name) => RepoPaths.InRepo("tests", "ShuffleNet.Tests", "Fixtures", name);

    public static string RepoRoot => RepoPaths.Root;

    /// <summary>A file of the PyTorch reference data, <c>tests/reference/NAME</c>.</summary>
    public static string Reference(string name) => RepoPaths.Reference(name);
}
