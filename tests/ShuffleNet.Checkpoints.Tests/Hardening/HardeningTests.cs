using System.IO.Compression;

namespace ShuffleNet.Checkpoints.Tests.Hardening;

/// <summary>
/// Issue 16's crafted checkpoints, one test per row: each loads correctly or fails with one message naming the file,
/// in bounded memory (managed bytes allocated by the load, measured on this thread) and stack.
/// </summary>
public sealed class HardeningTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ckpt-hard-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const long LoadBudget = 200L << 20;   // managed bytes a crafted file may cost; the attacks reached 2-15 GB

    // Set CHECKPOINT_VERIFY_DIR to keep the converted files for tools/reference/verify_hardening_save.py.
    private string OutputPath(string name) =>
        Path.Combine(Environment.GetEnvironmentVariable("CHECKPOINT_VERIFY_DIR") is { Length: > 0 } k ? k : _dir, name);

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static T Bounded<T>(Func<T> load)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var result = load();
        long cost = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(cost < LoadBudget, $"the load allocated {cost >> 20} MB");
        return result;
    }

    private static string Refused(string path, params string[] fragments)
    {
        var e = Bounded(() => Assert.Throws<CheckpointException>(() => CheckpointFile.Load(path)));
        Assert.Contains($"'{path}'", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        foreach (var f in fragments) Assert.Contains(f, e.Message);
        return e.Message;
    }

    private static Checkpoint LoadValid(string path)
    {
        var ckpt = Bounded(() => CheckpointFile.Load(path));
        Assert.Equal((Width.X0_5, (int?)1000), LayoutCheck.Validate(ckpt.StateDict, path));
        return ckpt;
    }

    [Fact]
    public void The_crafted_base_file_is_a_valid_checkpoint_of_stride_zero_views()
    {
        var ckpt = LoadValid(Write("base.pth", new CraftedCheckpoint().ToZip()));
        var fc = ckpt.StateDict["head.fc.weight"];
        Assert.Equal([1000L, 1024L], fc.Shape);
        Assert.All(fc.ToFloat32(), v => Assert.Equal(0.5f, v));
        Assert.Equal(0f, Assert.Single(ckpt.StateDict["backbone.conv1.bn.num_batches_tracked"].ToFloat32()));
    }

    [Fact]
    public void Rebuild_from_type_nested_200000_deep_loads_without_overflowing_the_stack()
    {
        var path = Write("nested.pth", CraftedFiles.NestedRebuild(200_000));
        // a thread with a small stack: recursion of even a few thousand frames per level would not fit
        Checkpoint? ckpt = null;
        var thread = new Thread(() => ckpt = LoadValid(path), 256 * 1024);
        thread.Start();
        thread.Join();
        Assert.NotNull(ckpt);
        Assert.All(ckpt.StateDict["head.fc.bias"].ToFloat32(), v => Assert.Equal(0.5f, v));
    }

    [Theory]
    [InlineData("list")]
    [InlineData("tuple")]
    [InlineData("dict")]
    public void Containers_nested_200000_deep_are_refused_without_overflowing_the_stack(string kind)
    {
        const int depth = 200_000;
        string ops = kind switch
        {
            "list" => new string(']', depth) + new string('a', depth - 1),
            "tuple" => ")" + new string('\u0085', depth),
            _ => string.Concat(Enumerable.Repeat("}U\u0001k", depth)) + "}" + new string('s', depth),
        };
        var path = Write("deep.pth", CraftedFiles.Garbage(ops));
        string? message = null;
        var thread = new Thread(() => message = Refused(path, "nests containers more than 512 deep"), 256 * 1024);
        thread.Start();
        thread.Join();
        Assert.NotNull(message);
    }

    [Fact]
    public void Self_containing_meta_loads_and_is_written_back_with_its_cycles()
    {
        var ckpt = LoadValid(Write("cycle.pth", CraftedFiles.SelfContainingMeta()));
        var cycle = Assert.IsType<List<object?>>(ckpt.Meta["cycle"]);
        Assert.Same(cycle, cycle[1]);
        var me = Assert.IsType<OrderedDictionary<object, object?>>(ckpt.Meta["me"]);
        Assert.Same(me, me["self"]);

        var copy = OutputPath("cycle_converted.pth");
        CheckpointFile.Save(copy, ckpt);   // what `shufflenet convert` does
        var back = LoadValid(copy);
        var cycle2 = Assert.IsType<List<object?>>(back.Meta["cycle"]);
        Assert.Equal(1L, cycle2[0]);
        Assert.Same(cycle2, cycle2[1]);
        var me2 = Assert.IsType<OrderedDictionary<object, object?>>(back.Meta["me"]);
        Assert.Same(me2, me2["self"]);
    }

    [Fact]
    public void Dag_meta_with_2_to_the_30_paths_costs_its_30_lists_to_read_and_write()
    {
        var ckpt = LoadValid(Write("dag.pth", CraftedFiles.DagMeta(30)));
        var copy = OutputPath("dag_converted.pth");
        Bounded(() => { CheckpointFile.Save(copy, ckpt); return 0; });
        Assert.True(new FileInfo(copy).Length < 64 << 10, $"{new FileInfo(copy).Length} bytes written");
        object? level = LoadValid(copy).Meta["dag"];
        for (int i = 0; i < 30; i++)
        {
            var list = Assert.IsType<List<object?>>(level);
            Assert.Same(list[0], list[1]);
            level = list[0];
        }
        Assert.Equal("leaf", Assert.Single(Assert.IsType<List<object?>>(level)));
    }

    [Fact]
    public void Five_stride_zero_views_of_2_GB_stay_views_and_are_written_back_as_views()
    {
        var ckpt = LoadValid(Write("views.pth", CraftedFiles.StrideZeroViewsInMeta(5)));
        var views = Assert.IsType<List<object?>>(ckpt.Meta["views"]);
        Assert.Equal(5, views.Count);
        Assert.All(views, v => Assert.Equal(511L << 20, Assert.IsType<TensorData>(v).Count));

        var copy = OutputPath("views_converted.pth");
        Bounded(() => { CheckpointFile.Save(copy, ckpt); return 0; });
        Assert.True(new FileInfo(copy).Length < 256 << 10, $"{new FileInfo(copy).Length} bytes written");
        var back = Assert.IsType<List<object?>>(LoadValid(copy).Meta["views"]);
        Assert.All(back, v => Assert.Equal(CraftedFiles.TwoGbShape, Assert.IsType<TensorData>(v).Shape));
    }

    [Fact]
    public void Stride_zero_views_as_extra_state_dict_keys_are_refused_by_the_layout_check_unread()
    {
        var path = Write("views_sd.pth", CraftedFiles.StrideZeroViewsInStateDict(5));
        var ckpt = Bounded(() => CheckpointFile.Load(path));
        var e = Assert.Throws<CheckpointException>(() => LayoutCheck.Validate(ckpt.StateDict, path));
        Assert.Contains("first unexpected: 'big.0'", e.Message);
    }

    [Fact]
    public void A_view_larger_than_one_array_is_refused_by_name() =>
        Refused(Write("huge.pth", CraftedFiles.ViewOverTwoGb()), "[536870912]", "more than one .NET array holds");

    [Fact]
    public void Deflate_bomb_is_refused_before_it_is_inflated()
    {
        var bytes = CraftedFiles.DeflateBomb();
        Assert.InRange(bytes.Length, 4 << 20, 10 << 20);
        Refused(Write("bomb.pth", bytes), "zip bomb", "'archive/data/b0'");
    }

    [Fact]
    public void The_crafted_bomb_is_a_real_one()
    {
        // the same construction, small enough to inflate here: every byte a zero, exactly as many as declared
        var payload = CraftedCheckpoint.DeflatedZeros(64L << 20);
        Assert.True(payload.Length < 128 << 10);
        using var inflate = new DeflateStream(new MemoryStream(payload), CompressionMode.Decompress);
        var buffer = new byte[1 << 20];
        long total = 0;
        for (int n; (n = inflate.Read(buffer)) > 0; total += n)
            Assert.DoesNotContain(buffer.AsSpan(0, n).ToArray(), b => b != 0);
        Assert.Equal(64L << 20, total);
    }

    [Fact]
    public void An_entry_is_never_inflated_past_what_it_declares()
    {
        var ckpt = LoadValid(Write("understated.pth", CraftedFiles.DeflateUnderstated(1L << 30)));
        Assert.Equal(0f, Assert.Single(Assert.IsType<TensorData>(ckpt.Meta["small"]).ToFloat32()));
    }

    [Fact]
    public void An_entry_declaring_other_bytes_than_its_storage_needs_is_refused() =>
        Refused(Write("mismatch.pth", CraftedFiles.DeclaredSizeMismatch()), "declares 1,999,634,432 bytes", "needs 4");

    [Theory]
    [InlineData(0, new[] { 1L << 32, 1L << 32 }, new[] { 1L << 32, 1L }, "overflows")]   // element count wraps to 0
    [InlineData(0, new[] { 3L }, new[] { 1L << 62 }, "overflows")]                       // (size - 1) * stride wraps
    [InlineData(long.MaxValue, new[] { 2L }, new[] { 1L }, "overflows")]                  // offset + extent wraps
    [InlineData(1L << 62, new[] { 1L }, new[] { 1L }, "reaching element 4611686018427387904")]
    [InlineData(0, new[] { 2L }, new[] { 1L }, "reaching element 1")]                     // one past the storage
    [InlineData(-1, new[] { 1L }, new[] { 1L }, "negative storage offset")]
    [InlineData(0, new[] { 2L }, new[] { -1L }, "negative size or stride")]
    [InlineData(0, new[] { -2L }, new[] { 1L }, "negative size or stride")]
    public void Impossible_view_arithmetic_is_refused(long offset, long[] size, long[] stride, string why) =>
        Refused(Write("view.pth", CraftedFiles.View(offset, size, stride)), why, "corrupt or crafted");

    [Fact]
    public void An_empty_view_ignores_its_offset_as_PyTorch_does()
    {
        var ckpt = LoadValid(Write("empty.pth", CraftedFiles.View(1000, [0, 5], [5, 1])));
        Assert.Equal(0, Assert.IsType<TensorData>(ckpt.Meta["bad"]).Count);
    }

    [Theory]
    [InlineData("I12x\n", "'12x' where an integer belongs")]
    [InlineData("I\n", "'' where an integer belongs")]
    [InlineData("L99999999999999999999999999Lx\n", "where an integer belongs")]
    [InlineData("F1.5.5\n", "'1.5.5' where a float belongs")]
    [InlineData("Fnan1\n", "where a float belongs")]
    [InlineData("]p1x\n", "where a memo key belongs")]
    [InlineData("g-1\n", "where a memo key belongs")]
    public void Integer_and_float_garbage_is_one_message_naming_the_file(string ops, string why) =>
        Refused(Write("garbage.pth", CraftedFiles.Garbage(ops)), "is corrupt", why);

    [Fact]
    public void An_integer_of_a_million_digits_is_refused_without_parsing_it() =>
        Refused(Write("digits.pth", CraftedFiles.Garbage("I" + new string('7', 1_000_000) + "\n")),
            "where an integer belongs");

    [Fact]
    public void An_integer_of_a_megabyte_is_refused_before_anything_formats_it()
    {
        // LONG4 of 1 MB: 2.5 million digits, which a message naming it (a dict key) would take minutes to format
        var ops = "\u008b\u0000\u0000\u0010\u0000" + new string('\u0011', 1 << 20);
        Refused(Write("bigint.pth", CraftedFiles.Garbage(ops)), "an integer of 1,048,576 bytes");
    }

    [Theory]
    [InlineData("Finf\n", double.PositiveInfinity)]
    [InlineData("F-inf\n", double.NegativeInfinity)]
    [InlineData("F1e+300\n", 1e300)]
    [InlineData("F0.25\n", 0.25)]
    public void Protocol_0_floats_as_Python_writes_them_are_read(string ops, double value) =>
        Assert.Equal(value, LoadValid(Write("float.pth", CraftedFiles.Garbage(ops))).Meta["epoch"]);

    [Fact]
    public void Writes_the_crafted_files_when_asked()
    {
        // HARDENING_CRAFT_DIR=DIR: the files benchmarks/hardening/run.sh measures with the CLI
        if (Environment.GetEnvironmentVariable("HARDENING_CRAFT_DIR") is not { Length: > 0 } dir) return;
        Directory.CreateDirectory(dir);
        foreach (var (name, make) in CraftedFiles.IssueRows()) File.WriteAllBytes(Path.Combine(dir, name), make());
    }
}
