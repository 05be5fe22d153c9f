namespace ShuffleNet.Architecture.Tests;

public class ArchitectureTableTests
{
    private static readonly IReadOnlyList<ArchitectureRow> Rows =
        ArchitectureTable.Parse(File.ReadAllText(RepoPaths.InRepo("README.md")));

    [Fact]
    public void Every_folder_of_the_architecture_table_exists()
    {
        var missing = Rows.Where(r => !Directory.Exists(RepoPaths.InRepo(r.Folder))).Select(r => r.Folder).ToList();

        Assert.True(missing.Count == 0, "README architecture rows naming no folder: " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_source_file_is_governed_by_a_row()
    {
        var orphans = NamespaceGraph.ReadSources(RepoPaths.Root)
            .Where(f => ArchitectureTable.RowOf(Rows, f.Path)?.MayUse is null).Select(f => f.Path).ToList();

        Assert.True(orphans.Count == 0, "src/ files under no row of the README's architecture table:\n" +
                                        string.Join("\n", orphans));
    }

    [Fact]
    public void Each_folder_uses_only_the_namespaces_its_row_allows()
    {
        var graph = new NamespaceGraph(NamespaceGraph.ReadSources(RepoPaths.Root));

        var violations = Violations(graph, Rows);

        Assert.True(violations.Count == 0, "uses the README's architecture table does not allow " +
                                           "(fix the code, or the 'may use' column):\n" + string.Join("\n",
                                               violations));
    }

    [Fact]
    public void A_planted_use_outside_the_row_is_reported()
    {
        var rows = ArchitectureTable.Parse(
            "## Architecture\n\n| folder | what | may use |\n| --- | --- | --- |\n" +
            "| `src/A` | a | `B` |\n| `src/B` | b | — |\n| `src/C` | c | — |\n");
        SourceFile[] files =
        [
            SourceFile.Parse("src/A/A.cs", "using ShuffleNet.B;\nusing ShuffleNet.C;\nnamespace ShuffleNet.A;\n" +
                                           "public class TypeA { TypeB b; TypeC c; }"),
            SourceFile.Parse("src/B/B.cs", "namespace ShuffleNet.B;\npublic class TypeB { }"),
            SourceFile.Parse("src/C/C.cs", "namespace ShuffleNet.C;\npublic class TypeC { }"),
        ];

        var violation = Assert.Single(Violations(new NamespaceGraph(files), rows));

        Assert.Equal("src/A/A.cs uses ShuffleNet.C (row src/A allows: ShuffleNet.B)", violation);
    }

    private static List<string> Violations(NamespaceGraph graph, IReadOnlyList<ArchitectureRow> rows)
    {
        var violations = new List<string>();
        foreach (var file in graph.Files)
        {
            if (ArchitectureTable.RowOf(rows, file.Path) is not { MayUse: { } allowed } row) continue;
            foreach (var ns in graph.Uses[file.Path].Where(n => !allowed.Contains(n)).Order(StringComparer.Ordinal))
            {
                var list = allowed.Count == 0 ? "none" : string.Join(", ", allowed.Order(StringComparer.Ordinal));
                violations.Add($"{file.Path} uses {ns} (row {row.Folder} allows: {list})");
            }
        }
        return violations;
    }
}
