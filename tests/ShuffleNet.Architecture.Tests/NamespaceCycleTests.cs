namespace ShuffleNet.Architecture.Tests;

public class NamespaceCycleTests
{
    [Fact]
    public void Namespaces_of_src_form_no_cycle()
    {
        var graph = new NamespaceGraph(NamespaceGraph.ReadSources(RepoPaths.Root));

        var cycles = graph.Cycles();

        Assert.True(cycles.Count == 0, "namespace cycles in src/ (give the shared type a neutral home):\n" +
                                       string.Join("\n", cycles));
    }

    [Fact]
    public void The_scan_sees_the_namespaces_of_src()
    {
        var graph = new NamespaceGraph(NamespaceGraph.ReadSources(RepoPaths.Root));

        Assert.Contains("ShuffleNet.Models", graph.Namespaces);
        Assert.Contains("ShuffleNet.Vision.Transforms", graph.Namespaces);
        Assert.Contains("ShuffleNet.Models", graph.Uses["src/ShuffleNet/Inference/TorchClassifier.cs"]);
    }

    [Fact]
    public void A_planted_cycle_is_found_and_named_with_the_files_that_make_it()
    {
        SourceFile[] files =
        [
            SourceFile.Parse("a/A.cs", "using ShuffleNet.B;\nnamespace ShuffleNet.A;\npublic class TypeA { TypeB b; }"),
            SourceFile.Parse("b/B.cs", "namespace ShuffleNet.B;\npublic class TypeB { ShuffleNet.C.TypeC c; }"),
            SourceFile.Parse("c/C.cs", "namespace ShuffleNet.C;\npublic class TypeC { A.TypeA a; }"),
        ];

        var cycle = Assert.Single(new NamespaceGraph(files).Cycles());

        Assert.Equal("ShuffleNet.A -> ShuffleNet.B (a/A.cs); ShuffleNet.B -> ShuffleNet.C (b/B.cs); " +
                     "ShuffleNet.C -> ShuffleNet.A (c/C.cs)", cycle);
    }

    [Fact]
    public void Comments_strings_and_member_names_are_no_use_of_a_namespace()
    {
        SourceFile[] files =
        [
            SourceFile.Parse("a/A.cs", "namespace ShuffleNet.A;\n/// <see cref=\"ShuffleNet.B.TypeB\"/>\n" +
                                       "public class TypeA { string s = \"ShuffleNet.B\"; int B => Data.Length; }"),
            SourceFile.Parse("b/B.cs", "namespace ShuffleNet.B;\npublic class TypeB { ShuffleNet.A.TypeA a; }"),
            SourceFile.Parse("d/D.cs", "namespace ShuffleNet.Data;\npublic class Other { }"),
        ];

        var graph = new NamespaceGraph(files);

        Assert.Empty(graph.Uses["a/A.cs"]);
        Assert.Empty(graph.Cycles());
    }
}
