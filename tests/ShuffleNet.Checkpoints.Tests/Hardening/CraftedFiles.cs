namespace ShuffleNet.Checkpoints.Tests.Hardening;

/// <summary>
/// The crafted checkpoints of issue 16's table, each a complete ShuffleNet V2 0.5x file of a few KB to a few MB
/// plus the attack. <see cref="IssueRows"/> is what benchmarks/hardening/run.sh measures with <c>/usr/bin/time -v</c>
/// (the test <c>HardeningTests.Writes_the_crafted_files_when_asked</c> writes them out).
/// </summary>
internal static class CraftedFiles
{
    /// <summary>1,996 MiB of float32: under the 2 GB a .NET array holds, so the view itself is legal.</summary>
    public static readonly long[] TwoGbShape = [511, 1 << 20];

    /// <summary>Bytes per bomb entry: 1,907 MiB of zeros, deflated to about 2 MB.</summary>
    public const long BombEntryBytes = 1907L << 20;

    /// <summary><c>head.fc.bias</c> wrapped in <c>_rebuild_from_type_v2</c> <paramref name="depth"/> times.</summary>
    public static byte[] NestedRebuild(int depth = 200_000) =>
        new CraftedCheckpoint { NestedRebuildDepth = depth }.ToZip();

    /// <summary>
    /// <c>meta.cycle = [1, cycle]</c> and <c>meta.me = {'name': 'me', 'self': me}</c>, through the memo as torch.save
    /// writes them.
    /// </summary>
    public static byte[] SelfContainingMeta() => new CraftedCheckpoint
    {
        Meta = p => p.Str("cycle").Op(']').Put(100).Op('(').Int(1).Get(100).Op('e')
            .Str("me").Op('}').Put(101).Op('(').Str("name").Str("me").Str("self").Get(101).Op('u'),
    }.ToZip();

    /// <summary><c>meta.dag</c>: <paramref name="levels"/> lists, each holding the one below twice.</summary>
    public static byte[] DagMeta(int levels = 30) => new CraftedCheckpoint
    {
        Meta = p =>
        {
            p.Str("dag").Op(']').Str("leaf").Op('a').Put(200).Op('0');
            for (int i = 0; i < levels; i++) p.Op(']').Op('(').Get(200 + i).Get(200 + i).Op('e').Put(201 + i).Op('0');
            p.Get(200 + levels);
        },
    }.ToZip();

    /// <summary>Five stride-0 views of 2 GB each (of a 4-byte storage) in <c>meta.views</c>.</summary>
    public static byte[] StrideZeroViewsInMeta(int count = 5) => new CraftedCheckpoint
    {
        Meta = p =>
        {
            p.Str("views").Op(']').Op('(');
            for (int i = 0; i < count; i++) CraftedCheckpoint.Expanded(p, TwoGbShape);
            p.Op('e');
        },
    }.ToZip();

    /// <summary>The same five views as extra state dict entries <c>big.0</c> ... <c>big.4</c>.</summary>
    public static byte[] StrideZeroViewsInStateDict(int count = 5) => new CraftedCheckpoint
    {
        ExtraTensors = p =>
        {
            for (int i = 0; i < count; i++) { p.Str($"big.{i}"); CraftedCheckpoint.Expanded(p, TwoGbShape); }
        },
    }.ToZip();

    /// <summary>A stride-0 view of exactly 2 GiB of float32: one element more than a .NET array holds.</summary>
    public static byte[] ViewOverTwoGb() => new CraftedCheckpoint
    {
        Meta = p => { p.Str("huge"); CraftedCheckpoint.Expanded(p, 1L << 29); },
    }.ToZip();

    /// <summary>
    /// Four storages in <c>meta.bomb</c> whose entries are deflated zeros declaring <see cref="BombEntryBytes"/> each
    /// (what their persistent ids need, so only the inflation limit stands between them and 7.5 GB).
    /// </summary>
    public static byte[] DeflateBomb(int entries = 4, long bytesEach = BombEntryBytes)
    {
        var crafted = new CraftedCheckpoint
        {
            Meta = p =>
            {
                p.Str("bomb").Op(']').Op('(');
                for (int i = 0; i < entries; i++)
                    CraftedCheckpoint.Tensor(p, $"b{i}", bytesEach / 4, 0, [bytesEach / 4], [1]);
                p.Op('e');
            },
        };
        var payload = CraftedCheckpoint.DeflatedZeros(bytesEach);
        for (int i = 0; i < entries; i++) crafted.ExtraEntries.Add(($"data/b{i}", payload, true, bytesEach));
        return crafted.ToZip();
    }

    /// <summary>A one-float storage whose deflated entry declares 4 bytes but inflates much further.</summary>
    public static byte[] DeflateUnderstated(long inflates = 1L << 30)
    {
        var crafted = OneFloat();
        crafted.ExtraEntries.Add(("data/z", CraftedCheckpoint.DeflatedZeros(inflates), true, 4));
        return crafted.ToZip();
    }

    /// <summary>A storage of one float whose entry declares a bomb's size.</summary>
    public static byte[] DeclaredSizeMismatch()
    {
        var crafted = OneFloat();
        crafted.ExtraEntries.Add(("data/z", CraftedCheckpoint.DeflatedZeros(64L << 20), true, BombEntryBytes));
        return crafted.ToZip();
    }

    // meta.small: one float in storage z, whose entry the caller adds
    private static CraftedCheckpoint OneFloat() =>
        new() { Meta = p => { p.Str("small"); CraftedCheckpoint.Tensor(p, "z", 1, 0, [1], [1]); } };

    /// <summary><c>meta.bad</c>: a view of the one-float storage with this offset, size and stride.</summary>
    public static byte[] View(long offset, long[] size, long[] stride) => new CraftedCheckpoint
    {
        Meta = p => { p.Str("bad"); CraftedCheckpoint.Tensor(p, "f", 1, offset, size, stride); },
    }.ToZip();

    /// <summary><c>meta.epoch</c> written as the raw opcodes <paramref name="ops"/>, e.g. <c>"I12x\n"</c>.</summary>
    public static byte[] Garbage(string ops) => new CraftedCheckpoint { Meta = p => p.Str("epoch").Raw(ops) }.ToZip();

    /// <summary>One file per row of the issue's table (overflow: a [2^32, 2^32] view; its count wraps to 0).</summary>
    public static IEnumerable<(string Name, Func<byte[]> Make)> IssueRows() =>
    [
        ("nested_rebuild_200000.pth", () => NestedRebuild()),
        ("self_containing_meta.pth", SelfContainingMeta),
        ("dag_meta_2pow30.pth", () => DagMeta()),
        ("stride0_views_meta.pth", () => StrideZeroViewsInMeta()),
        ("stride0_views_state_dict.pth", () => StrideZeroViewsInStateDict()),
        ("deflate_bomb.pth", () => DeflateBomb()),
        ("overflowing_view.pth", () => View(0, [1L << 32, 1L << 32], [1L << 32, 1])),
        ("integer_garbage.pth", () => Garbage("I12x\n")),
        ("float_garbage.pth", () => Garbage("F1.5.5\n")),
    ];
}
