using static TorchSharp.torch;

using ShuffleNet.Experiments;

namespace ShuffleNet.Tests.Experiments;

public class GuidelineNetworksTests
{
    public static TheoryData<Guideline, PaperSetup, FragmentMerge> AllGroups()
    {
        var data = new TheoryData<Guideline, PaperSetup, FragmentMerge>();
        foreach (var g in Enum.GetValues<Guideline>())
            foreach (var s in Enum.GetValues<PaperSetup>())
                foreach (var m in g == Guideline.G3 ? Enum.GetValues<FragmentMerge>() : [FragmentMerge.Concat])
                    data.Add(g, s, m);
        return data;
    }

    // The paper fixes FLOPs within every table (Tables 1-3 say so; Table 4 only removes ReLU and the shortcut, which
    // have no conv FLOPs).
    [Theory]
    [MemberData(nameof(AllGroups))]
    public void Every_setting_has_the_flops_of_the_first_setting_within_one_percent(Guideline g, PaperSetup setup,
        FragmentMerge merge)
    {
        var cases = GuidelineNetworks.Build(g, setup, merge);
        var table = PaperFigures.Tables[g];
        Assert.Equal(table.Rows.Count * 3, cases.Count);
        foreach (var c in cases)
        {
            var first = cases.Single(k => k.Setting == table.Rows[0].Setting && k.WidthIndex == c.WidthIndex);
            Assert.InRange((double)c.Graph.ConvFcMacs / first.Graph.ConvFcMacs, 0.99, 1.01);
            Assert.Equal(new long[] { GuidelineNetworks.InputSize, GuidelineNetworks.InputSize },
                c.Graph.ShapeOf(0)[1..]);
        }
    }

    [Theory]
    [InlineData(PaperSetup.Gpu, 128)]
    [InlineData(PaperSetup.Arm, 32)]
    public void First_settings_use_the_papers_base_widths(PaperSetup setup, int c)
    {
        var g1 = GuidelineNetworks.Build(Guideline.G1, setup)[0];
        Assert.Equal($"{c}→{c}→{c}", g1.Channels);
        Assert.Equal(2L * GuidelineNetworks.Blocks * c * c * 56 * 56, g1.Graph.ConvFcMacs);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(6)]
    [InlineData(12)]
    public void G1_keeps_the_channel_ratio_within_ten_percent(int ratio)
    {
        foreach (var c in new[] { 32, 64, 128, 256, 512 })
        {
            var (graph, _) = GuidelineNetworks.G1(ratio, c);
            var conv = graph.Nodes[1];
            Assert.InRange((double)conv.Shape[0] / graph.ShapeOf(0)[0] / ratio, 0.9, 1.1);
        }
    }

    [Fact]
    public void G4_variants_differ_only_in_relu_and_add_nodes()
    {
        var full = GuidelineNetworks.G4(relu: true, shortcut: true, 64).Graph;
        var bare = GuidelineNetworks.G4(relu: false, shortcut: false, 64).Graph;
        Assert.Equal(full.ConvFcMacs, bare.ConvFcMacs);
        Assert.Equal(30, full.Nodes.Count(n => n.Kind == OpKind.Relu));
        Assert.Equal(10, full.Nodes.Count(n => n.Kind == OpKind.Add));
        Assert.DoesNotContain(bare.Nodes, n => n.Kind is OpKind.Relu or OpKind.Add);
    }

    [Fact]
    public void Concatenated_parallel_fragments_hold_the_weights_of_one_fragment()
    {
        var one = GuidelineNetworks.G3(1, false, FragmentMerge.Concat, 128).Graph;
        var four = GuidelineNetworks.G3(4, true, FragmentMerge.Concat, 128).Graph;
        Assert.Equal(one.Parameters, four.Parameters);
        Assert.Equal(40, four.Nodes.Count(n => n.Kind == OpKind.Conv));
    }

    [Fact]
    public void The_torch_module_of_a_graph_runs_every_operator_and_ends_in_pooled_channels()
    {
        foreach (var graph in new[] { GuidelineNetworks.G3(4, true, FragmentMerge.Sum, 32).Graph,
            GuidelineNetworks.G4(true, true, 8).Graph })
        {
            using var net = new GraphNetwork(graph);
            using var x = randn(2, graph.ShapeOf(0)[0], 56, 56);
            using var _ = no_grad();
            using var y = net.call(x);
            Assert.Equal(new[] { 2L, graph.ShapeOf(graph.Output)[0] }, y.shape);
            Assert.True(y.isfinite().all().item<bool>());
        }
    }
}
