using System.Text;
using ShuffleNet.Checkpoints;

namespace ShuffleNet.Checkpoints.Tests;

/// <summary>The unpickler's allow-list, driven with hand-made pickles.</summary>
public class UnpicklerTests
{
    private static object? Unpickle(byte[] pickle) => new Unpickler(pickle, 0, "hand.pkl",
        _ => throw new InvalidOperationException()).Load();

    private static byte[] Bytes(string latin1) => Encoding.Latin1.GetBytes(latin1);

    [Theory]
    [InlineData("\u0080\u0002cbuiltins\neval\nX\u0003\u0000\u0000\u00001+1\u0085R.", "builtins.eval")]
    [InlineData("\u0080\u0002c__builtin__\ngetattr\n(K\u0001X\u0004\u0000\u0000\u0000realtR.", "__builtin__.getattr")]
    [InlineData("\u0080\u0002cos\nsystem\nX\u0004\u0000\u0000\u0000true\u0085R.", "os.system")]
    [InlineData("\u0080\u0004\u008c\u0005posix\u008c\u0006system\u0093X\u0004\u0000\u0000\u0000true\u0085R.",
        "posix.system")]
    [InlineData("\u0080\u0002ctorch\nload\n)R.", "torch.load")]
    [InlineData("\u0080\u0002cnumpy.core.multiarray\n_reconstruct\n)R.", "numpy.core.multiarray._reconstruct")]
    public void Globals_outside_the_allow_list_are_refused_by_name(string pickle, string global)
    {
        var e = Assert.Throws<CheckpointException>(() => Unpickle(Bytes(pickle)));
        Assert.Contains($"'{global}'", e.Message);
        Assert.Contains("refused, not executed", e.Message);
        Assert.Contains("'hand.pkl'", e.Message);
    }

    [Fact]
    public void Inst_and_obj_opcodes_are_refused()
    {
        var e = Assert.Throws<CheckpointException>(() => Unpickle(Bytes("(S'ls'\nios\nsystem\n.")));
        Assert.Contains("refused", e.Message);
    }

    [Fact]
    public void Plain_values_of_protocol_0_to_4_are_read()
    {
        // protocol 0 text opcodes: dict {'a': [1, 2.5, 'x', True, None]}
        var v = Unpickle(Bytes("(dp0\nS'a'\np1\n(lp2\nI1\naF2.5\naS'x'\naI01\naNas."));
        var d = Assert.IsType<OrderedDictionary<object, object?>>(v);
        Assert.Equal(new object?[] { 1L, 2.5, "x", true, null }, Assert.IsType<List<object?>>(d["a"]));
        // protocol 4 framing, memoize and short strings: ('k', b'\u0001')
        var t = Assert.IsType<object?[]>(Unpickle(Bytes(
            "\u0080\u0004\u0095\u000b\u0000\u0000\u0000\u0000\u0000\u0000\u0000" +
            "\u008c\u0001k\u0094C\u0001\u0001\u0094\u0086\u0094.")));
        Assert.Equal("k", t[0]);
        Assert.Equal(new byte[] { 1 }, t[1]);
    }

    [Fact]
    public void Storage_types_and_ordered_dict_are_allowed_but_not_callable_as_code()
    {
        var e = Assert.Throws<CheckpointException>(() => Unpickle(Bytes("\u0080\u0002ctorch\nFloatStorage\n)R.")));
        Assert.Contains("not an allow-listed function", e.Message);
        Assert.IsType<OrderedDictionary<object, object?>>(
            Unpickle(Bytes("\u0080\u0002ccollections\nOrderedDict\n)R.")));
    }

    [Theory]   // found by fuzz/ShuffleNet.Fuzz (unpickler target): a POP below a MARK left it pointing past the stack
    [InlineData("\u0080\u0002K\u0005(0t.")]        // MARK, POP (pops the MARK, as Python does), TUPLE: no MARK left
    [InlineData("\u0080\u0002K\u0005(K\u00060a.")]  // APPEND with nothing above the MARK
    [InlineData("\u0080\u0002]K\u0001(00e.")]
    public void Popping_below_a_mark_is_refused_as_corrupt(string pickle)
    {
        var e = Assert.Throws<CheckpointException>(() => Unpickle(Bytes(pickle)));
        Assert.Contains("'hand.pkl' is corrupt", e.Message);
    }

    [Fact]
    public void Pop_on_an_empty_mark_frame_pops_the_mark_as_Python_does() =>
        Assert.Equal(5L, Unpickle(Bytes("\u0080\u0002K\u0005(0.")));   // pickle.loads(...) == 5
}
