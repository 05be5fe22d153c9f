using System.Text.RegularExpressions;

namespace ShuffleNet.Architecture.Tests;

/// <summary>One row of the README's architecture table.</summary>
/// <param name="Folder">The folder, relative to the repository root (<c>src/ShuffleNet/Models</c>).</param>
/// <param name="MayUse">
/// The repository namespaces its code may use, from the "may use" column: each code span is a namespace after
/// <c>ShuffleNet.</c> (<c>`Checkpoints`</c>, <c>`Vision.Decoding`</c>); null where the column is empty (not code).
/// </param>
internal sealed record ArchitectureRow(string Folder, IReadOnlySet<string>? MayUse);

/// <summary>The table under the README's "## Architecture" heading: folder | what lives there | may use | ...</summary>
internal static partial class ArchitectureTable
{
    /// <summary>The rows of the first table after <c>## Architecture</c> in <paramref name="readme"/>.</summary>
    public static IReadOnlyList<ArchitectureRow> Parse(string readme)
    {
        var lines = readme.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        int heading = lines.FindIndex(l => l.Trim() == "## Architecture");
        if (heading < 0) throw new InvalidDataException("the README has no '## Architecture' heading");
        var table = lines.Skip(heading + 1).SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|'))
            .ToList();
        if (table.Count < 3) throw new InvalidDataException("no table under '## Architecture'");
        var header = Cells(table[0]);
        int folder = header.FindIndex(h => h == "folder");
        int mayUse = header.FindIndex(h => h == "may use");
        if (folder < 0 || mayUse < 0)
            throw new InvalidDataException($"the architecture table needs 'folder' and 'may use' columns, not " +
                $"{string.Join(", ", header)}");
        var rows = new List<ArchitectureRow>();
        foreach (var line in table.Skip(2))
        {
            var cells = Cells(line);
            var path = CodeSpan().Match(cells[folder]);
            if (!path.Success) throw new InvalidDataException($"architecture row without a `folder`: {line}");
            var spans = CodeSpan().Matches(cells[mayUse]).Select(m => "ShuffleNet." + m.Groups[1].Value);
            var dir = path.Groups[1].Value.TrimEnd('/');
            // only code under src/ is held to the column; "—" there means no other namespace of the repository
            var allowed = dir.StartsWith("src/", StringComparison.Ordinal)
                ? spans.ToHashSet(StringComparer.Ordinal)
                : null;
            rows.Add(new ArchitectureRow(dir, allowed));
        }
        return rows;
    }

    /// <summary>
    /// The row that governs <paramref name="path"/>: the one with the longest folder that contains it.
    /// </summary>
    public static ArchitectureRow? RowOf(IEnumerable<ArchitectureRow> rows, string path) =>
        rows.Where(r => path.StartsWith(r.Folder + "/", StringComparison.Ordinal))
            .MaxBy(r => r.Folder.Length);

    // cells split at | but not at an escaped \|
    private static List<string> Cells(string line) =>
        CellBorder().Split(line.Trim().Trim('|')).Select(c => c.Trim()).ToList();

    [GeneratedRegex(@"(?<!\\)\|")]
    private static partial Regex CellBorder();

    [GeneratedRegex(@"`([^`]+)`")]
    private static partial Regex CodeSpan();
}
