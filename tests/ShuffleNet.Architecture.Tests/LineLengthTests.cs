namespace ShuffleNet.Architecture.Tests;

public class LineLengthTests
{
    /// <summary>The limit <c>.editorconfig</c> sets for C# (<c>max_line_length</c>).</summary>
    private const int MaxLineLength = 120;

    [Fact]
    public void No_cs_line_in_the_repository_is_over_120_characters()
    {
        var longLines = new List<string>();
        foreach (var folder in new[] { "src", "tests", "benchmarks", "fuzz", "samples" })
            foreach (var file in NamespaceGraph.ReadSources(RepoPaths.Root, folder))
                longLines.AddRange(LongLines(file.Path, File.ReadAllLines(RepoPaths.InRepo(file.Path))));

        Assert.True(longLines.Count == 0, $"{longLines.Count} lines over {MaxLineLength} characters:\n" +
                                          string.Join("\n", longLines.Take(50)));
    }

    [Fact]
    public void The_limit_is_the_one_editorconfig_sets()
    {
        var editorconfig = File.ReadAllLines(RepoPaths.InRepo(".editorconfig")).Select(l => l.Replace(" ", ""));

        Assert.Contains($"max_line_length={MaxLineLength}", editorconfig);
    }

    [Fact]
    public void A_planted_long_line_is_reported_with_its_place()
    {
        string[] lines = ["short", new string('x', MaxLineLength), new string('y', MaxLineLength + 1)];

        Assert.Equal(["f.cs:3 (121 characters)"], LongLines("f.cs", lines));
    }

    private static IEnumerable<string> LongLines(string path, string[] lines) =>
        lines.Select((l, i) => (Line: l, Number: i + 1))
            .Where(x => x.Line.Length > MaxLineLength)
            .Select(x => $"{path}:{x.Number} ({x.Line.Length} characters)");
}
