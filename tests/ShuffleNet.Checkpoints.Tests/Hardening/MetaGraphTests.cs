namespace ShuffleNet.Checkpoints.Tests.Hardening;

/// <summary>
/// What real torch.save writes for shared, self-containing and set-valued meta and for expanded tensors
/// (tools/reference/make_hardening_fixtures.py), read, and written back by the C# pickler so that the same graph
/// comes out (tools/reference/verify_hardening_save.py checks those copies in PyTorch).
/// </summary>
public sealed class MetaGraphTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ckpt-graph-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Set CHECKPOINT_VERIFY_DIR to keep the saved files for tools/reference/verify_hardening_save.py.
    private string OutputPath(string name) =>
        Path.Combine(Environment.GetEnvironmentVariable("CHECKPOINT_VERIFY_DIR") is { Length: > 0 } k ? k : _dir, name);

    private static OrderedDictionary<object, object?> Load(string path) =>
        Assert.IsType<OrderedDictionary<object, object?>>(TorchFile.Load(path));

    private static void AssertGraph(OrderedDictionary<object, object?> file)
    {
        var meta = Assert.IsType<OrderedDictionary<object, object?>>(file["meta"]);
        var cycle = Assert.IsType<List<object?>>(meta["cycle"]);
        Assert.Equal(1L, cycle[0]);
        Assert.Same(cycle, cycle[1]);
        var me = Assert.IsType<OrderedDictionary<object, object?>>(meta["me"]);
        Assert.Equal("me", me["name"]);
        Assert.Same(me, me["self"]);
        var shared = Assert.IsType<List<object?>>(meta["shared"]);
        Assert.Same(shared[0], shared[1]);
        Assert.Equal(0.5, Assert.IsType<OrderedDictionary<object, object?>>(shared[0])["lr"]);
        var rt = Assert.IsType<object?[]>(meta["rt"]);
        Assert.Same(rt, Assert.Single(Assert.IsType<List<object?>>(Assert.Single(rt))));
        object? level = meta["dag"];
        for (int i = 0; i < 30; i++)
        {
            var list = Assert.IsType<List<object?>>(level);
            Assert.Same(list[0], list[1]);
            level = list[0];
        }
        Assert.Equal(["leaf"], Assert.IsType<List<object?>>(level));
        Assert.True(Assert.IsType<HashSet<object?>>(meta["set"]).SetEquals([1L, 2L, "x"]));
        Assert.True(Assert.IsType<HashSet<object?>>(meta["frozen"]).SetEquals([3L]));
        Assert.Equal(double.PositiveInfinity, meta["inf"]);

        var sd = Assert.IsType<OrderedDictionary<object, object?>>(file["state_dict"]);
        Assert.Equal([0f, 1f, 2f, 3f, 4f, 5f], Assert.IsType<TensorData>(sd["w"]).ToFloat32());
        var expanded = Assert.IsType<TensorData>(sd["expanded"]);
        Assert.Equal([2L, 3L], expanded.Shape);
        Assert.Equal([0f, 0f, 0f, 1f, 1f, 1f], expanded.ToFloat32());
        var big = Assert.IsType<TensorData>(sd["big_expand"]);
        Assert.Equal(1L << 20, big.Count);
        Assert.Equal(4, big.Storage.Length);   // kept as the view PyTorch wrote
        Assert.All(big.ToFloat32(), v => Assert.Equal(7f, v));
    }

    [Theory]
    [InlineData("meta_graph_zip.pt")]
    [InlineData("meta_graph_legacy.pt")]
    public void PyTorch_meta_that_shares_and_contains_itself_loads_as_one_graph(string file) =>
        AssertGraph(Load(TestData.Fixture(file)));

    [Theory]
    [InlineData("meta_graph_zip.pt")]
    [InlineData("meta_graph_legacy.pt")]
    public void The_graph_is_written_back_shared_cyclic_and_as_views(string file)
    {
        var path = OutputPath("saved_" + Path.GetFileNameWithoutExtension(file) + ".pt");
        TorchFile.Save(path, Load(TestData.Fixture(file)));
        Assert.True(new FileInfo(path).Length < 8 << 10, $"{new FileInfo(path).Length} bytes: was a view copied out?");
        AssertGraph(Load(path));
    }

    [Fact]
    public void A_tuple_that_contains_itself_through_a_list_is_written_as_pickle_writes_it()
    {
        // t = ([],); t[0].append(t): the inner reference is written first, then the outer tuple pops its copy
        var list = new List<object?>();
        var tuple = new object?[] { list };
        list.Add(tuple);
        var path = Path.Combine(_dir, "tuple.pt");
        TorchFile.Save(path, new OrderedDictionary<object, object?> { ["t"] = tuple });
        var back = Assert.IsType<object?[]>(Load(path)["t"]);
        Assert.Same(back, Assert.Single(Assert.IsType<List<object?>>(Assert.Single(back))));
    }

    [Fact]
    public void Nesting_deeper_than_the_reader_accepts_is_refused_by_the_writer()
    {
        var deep = new List<object?>();
        for (int i = 1; i < GraphResolver.MaxDepth; i++) deep = [deep];
        var path = Path.Combine(_dir, "deep.pt");
        TorchFile.Save(path, deep);   // MaxDepth levels: written and read back
        Assert.IsType<List<object?>>(TorchFile.Load(path));
        var e = Assert.Throws<ArgumentException>(() => TorchFile.Save(path, new List<object?> { deep }));
        Assert.Contains("nest more than 512 deep", e.Message);
    }

    [Fact]
    public void A_graph_shallow_to_the_reader_but_deep_along_its_first_path_is_written_back()
    {
        // found by fuzz/ShuffleNet.Fuzz (legacy target): every list is one step from the top, but each also holds the
        // next, so a depth-first writer walks 600 deep; the reader (shortest path) accepted what the writer refused
        var lists = Enumerable.Range(0, 600).Select(_ => new List<object?>()).ToList();
        for (int i = 0; i + 1 < lists.Count; i++) lists[i].Add(lists[i + 1]);
        var path = Path.Combine(_dir, "wide.pt");
        TorchFile.Save(path, lists.Cast<object?>().ToList());
        var back = Assert.IsType<List<object?>>(TorchFile.Load(path));
        Assert.Equal(600, back.Count);
        for (int i = 0; i + 1 < back.Count; i++)
            Assert.Same(back[i + 1], Assert.Single(Assert.IsType<List<object?>>(back[i])));
    }

    [Fact]
    public void A_tuple_that_holds_itself_with_no_list_between_is_refused()
    {
        var tuple = new object?[1];
        tuple[0] = tuple;   // no Python value is like this: the pickle would never end
        var e = Assert.Throws<ArgumentException>(() => TorchFile.Save(Path.Combine(_dir, "self.pt"), tuple));
        Assert.Contains("contains itself", e.Message);
    }

    [Fact]
    public void A_set_that_contains_itself_through_a_list_comes_back_the_same_cycle()
    {
        var list = new List<object?>();
        var set = new HashSet<object?> { list };
        list.Add(set);
        var path = Path.Combine(_dir, "set.pt");
        TorchFile.Save(path, set);
        var back = Assert.IsType<HashSet<object?>>(TorchFile.Load(path));
        Assert.Same(back, Assert.Single(Assert.IsType<List<object?>>(Assert.Single(back))));
    }

    [Fact]
    public void Integers_beyond_255_bytes_are_written_as_LONG4()
    {
        var big = System.Numerics.BigInteger.Pow(7, 1000);
        var path = Path.Combine(_dir, "big.pt");
        TorchFile.Save(path, new List<object?> { big, -big });
        Assert.Equal([big, -big], Assert.IsType<List<object?>>(TorchFile.Load(path)));
        // past the reader's 4300 digits, refused rather than written unreadable
        var e = Assert.Throws<ArgumentException>(() => TorchFile.Save(path, System.Numerics.BigInteger.Pow(10, 5000)));
        Assert.Contains("4300 digits", e.Message);
    }
}
