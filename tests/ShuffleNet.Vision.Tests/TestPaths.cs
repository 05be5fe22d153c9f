namespace ShuffleNet.Vision.Tests;

/// <summary>Locates this project's fixtures and the PyTorch reference data (<see cref="RepoPaths"/>).</summary>
internal static class TestPaths
{
    public static string RepoRoot => RepoPaths.Root;

    public static string Fixtures { get; } = RepoPaths.InRepo("tests", "ShuffleNet.Vision.Tests", "Fixtures");

    public static string Fixture(params string[] parts) => Path.Combine([Fixtures, .. parts]);

    /// <summary>A file under <c>tests/reference</c>, e.g. <c>Reference("images", "coffee.png")</c>.</summary>
    public static string Reference(params string[] parts) => RepoPaths.Reference(parts);
}
