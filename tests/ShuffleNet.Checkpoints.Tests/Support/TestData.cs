using System.Security.Cryptography;
using System.Text.Json;
using ShuffleNet.Checkpoints;

namespace ShuffleNet.Checkpoints.Tests;

/// <summary>Where the fixtures and the PyTorch reference data are, and what the generator says they hold.</summary>
internal static class TestData
{
    public static readonly string RepoRoot = RepoPaths.Root;
    public static readonly string Fixtures = RepoPaths.InRepo("tests", "ShuffleNet.Checkpoints.Tests", "Fixtures");

    /// <summary>The marker file the malicious fixtures' payload would create if it ever ran.</summary>
    public const string PwnedMarker = "/tmp/shufflenet_checkpoints_pwned_marker";

    private static readonly Lazy<JsonElement> ExpectedJson = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures, "expected.json"))).RootElement);

    public static string Fixture(string name) => Path.Combine(Fixtures, name);

    /// <summary>A file of the PyTorch reference data, <c>tests/reference/NAME</c>.</summary>
    public static string Reference(string name) => RepoPaths.Reference(name);

    /// <summary>expected.json's entries for one fixture file: tensor name to {dtype, shape, sha256, first}.</summary>
    public static JsonElement Expected(string file) => ExpectedJson.Value.GetProperty(file);

    public static string Sha256(TensorData t) => Convert.ToHexStringLower(SHA256.HashData(t.Bytes));

    /// <summary>Asserts <paramref name="t"/> is bit-identical to what the generator wrote for it.</summary>
    public static void AssertMatches(JsonElement expected, TensorData t, string name)
    {
        Assert.Equal(expected.GetProperty("dtype").GetString(), t.DType.ToString().ToLowerInvariant());
        Assert.Equal(expected.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray(), t.Shape);
        Assert.True(expected.GetProperty("sha256").GetString() == Sha256(t),
            $"'{name}' bytes differ from what PyTorch wrote");
        var first = expected.GetProperty("first").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(first, ToDoubles(t).Take(first.Length).ToArray());
    }

    /// <summary>Elements as doubles, exactly for every dtype the fixtures use (int64 values stay below 2^53).</summary>
    public static double[] ToDoubles(TensorData t) => t.DType switch
    {
        DType.Float64 => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(t.Bytes).ToArray(),
        DType.Int64 => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(t.Bytes).ToArray()
            .Select(v => (double)v).ToArray(),
        _ => t.ToFloat32().Select(v => (double)v).ToArray(),
    };
}
