using ShuffleNet.Testing;

namespace ShuffleNet.Serving.Tests.Support;

/// <summary>The reference photos, checkpoint and PyTorch's expected top-5 (<c>tests/reference</c>).</summary>
internal static class TestData
{
    public static string Reference(string name) => RepoPaths.Reference(name);

    public static string Photo(string name) => RepoPaths.Reference("images", name);

    public static readonly string[] Photos = ["astronaut.png", "chelsea.png", "coffee.png"];
}
