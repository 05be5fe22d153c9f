using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace ShuffleNet.Checkpoints;

/// <summary>
/// A pickle virtual machine (protocols 0-5) that never executes anything: GLOBAL resolves only through
/// <see cref="SafeGlobals"/>, REDUCE/NEWOBJ call only the C# stand-ins it returns, BUILD only touches the
/// few objects that know a state, and persistent ids go to the caller. Python values become the C#
/// values <see cref="TorchFile"/> documents.
/// </summary>
internal sealed class Unpickler(byte[] data, int start, string source, Func<object?[], object?> persistentLoad)
{
    private readonly List<object?> _stack = [];
    private readonly Stack<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = [];
    private int _pos = start;

    /// <summary>Byte offset just after the STOP opcode once <see cref="Load"/> returned.</summary>
    public int Position => _pos;

    public object? Load()
    {
        while (true)
        {
            byte op = ReadByte();
            switch (op)
            {
                case 0x80: ReadByte(); break;                                   // PROTO
                case 0x95: Read(8); break;                                      // FRAME: length only
                case (byte)'.': return Pop();                                   // STOP
                case (byte)'(': _marks.Push(_stack.Count); break;               // MARK
                case (byte)'0': if (AboveMark > 0) Pop(); else PopMark(); break; // POP (on an empty frame: its MARK)
                case (byte)'1': PopMark(); break;                               // POP_MARK
                case (byte)'2': Push(Peek()); break;                            // DUP
                case (byte)'N': Push(null); break;
                case 0x88: Push(true); break;
                case 0x89: Push(false); break;
                case (byte)'I': Push(ParseIntLine(ReadLine())); break;
                case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(Read(4))); break;
                case (byte)'K': Push((long)ReadByte()); break;
                case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Read(2))); break;
                case (byte)'L': Push(Narrow(ParseBig(ReadLine().TrimEnd('L')))); break;
                case 0x8a: Push(Narrow(new BigInteger(Read(ReadByte()), isUnsigned: false))); break;
                case 0x8b: Push(Narrow(new BigInteger(Read(ReadLongBytes()), isUnsigned: false))); break;
                case (byte)'F': Push(ParseFloat(ReadLine())); break;
                case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(Read(8))); break;
                case (byte)'S': Push(Unquote(ReadLine())); break;
                // py2 str, read as torch.load(encoding='utf-8')
                case (byte)'T': Push(Encoding.UTF8.GetString(Read(ReadLength4()))); break;
                case (byte)'U': Push(Encoding.UTF8.GetString(Read(ReadByte()))); break;
                case (byte)'V': Push(ReadLine()); break;                        // raw-unicode-escape; ASCII in practice
                case (byte)'X': Push(Encoding.UTF8.GetString(Read(ReadLength4()))); break;
                case 0x8c: Push(Encoding.UTF8.GetString(Read(ReadByte()))); break;
                case 0x8d: Push(Encoding.UTF8.GetString(Read(ReadLength8()))); break;
                case (byte)'B': Push(Read(ReadLength4()).ToArray()); break;
                case (byte)'C': Push(Read(ReadByte()).ToArray()); break;
                case 0x8e: case 0x96: Push(Read(ReadLength8()).ToArray()); break;  // BINBYTES8, BYTEARRAY8
                case (byte)']': Push(new List<object?>()); break;
                case (byte)'l': Push(new List<object?>(PopMark())); break;
                case (byte)'a': { var v = Pop(); AsList(Peek()).Add(v); break; }
                case (byte)'e': { var items = PopMark(); AsList(Peek()).AddRange(items); break; }
                case (byte)')': Push(Array.Empty<object?>()); break;
                case (byte)'t': Push(PopMark()); break;
                case 0x85: Push(new[] { Pop() }); break;
                case 0x86: { var b = Pop(); var a = Pop(); Push(new[] { a, b }); break; }
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new[] { a, b, c }); break; }
                case (byte)'}': Push(new OrderedDictionary<object, object?>()); break;
                case (byte)'d': { var d = new OrderedDictionary<object, object?>(); SetItems(d, PopMark()); Push(d);
                    break; }
                case (byte)'s': { var v = Pop(); var k = Pop(); SetItems(AsDict(Peek()), [k, v]); break; }
                case (byte)'u': { var items = PopMark(); SetItems(AsDict(Peek()), items); break; }
                case 0x8f: Push(new HashSet<object?>()); break;
                case 0x90: { var items = PopMark(); AsSet(Peek()).UnionWith(items); break; }
                case 0x91: Push(new HashSet<object?>(PopMark())); break;
                case (byte)'g': Push(MemoGet(ParseMemoKey(ReadLine()))); break;
                case (byte)'h': Push(MemoGet(ReadByte())); break;
                case (byte)'j': Push(MemoGet(BinaryPrimitives.ReadUInt32LittleEndian(Read(4)))); break;
                case (byte)'p': _memo[ParseMemoKey(ReadLine())] = Peek(); break;
                case (byte)'q': _memo[ReadByte()] = Peek(); break;
                case (byte)'r': _memo[BinaryPrimitives.ReadUInt32LittleEndian(Read(4))] = Peek(); break;
                case 0x94: _memo[_memo.Count] = Peek(); break;                  // MEMOIZE
                case (byte)'c': { var module = ReadLine(); Push(SafeGlobals.Resolve(module, ReadLine(), source)); break;
                    }
                case 0x93: { var name = Pop(); var module = Pop(); Push(SafeGlobals.Resolve(AsString(module),
                    AsString(name), source)); break; }
                case (byte)'R': { var args = AsTuple(Pop()); Push(Call(Pop(), args)); break; }
                case 0x81: { var args = AsTuple(Pop()); Push(Call(Pop(), args)); break; }            // NEWOBJ
                // NEWOBJ_EX, kwargs dropped
                case 0x92: { Pop(); var args = AsTuple(Pop()); Push(Call(Pop(), args)); break; }
                case (byte)'b': { var state = Pop(); Build(Peek(), state); break; }
                case (byte)'Q': Push(persistentLoad(AsTuple(Pop()))); break;
                case (byte)'P': Push(persistentLoad([ReadLine()])); break;
                default: throw Bad($"uses pickle opcode 0x{op:x2} ('{(char)op}') at byte {_pos - 1}, which a state " +
                    "dict does not need; refused");
            }
        }
    }

    private object? Call(object? callable, object?[] args) => callable is PyGlobal g
        ? g.Call(args)
        : throw Bad($"calls a {callable?.GetType().Name ?? "None"} that is not an allow-listed function; refused");

    // BUILD sets an object's state; only OrderedDict (state_dict()'s _metadata, dropped) and numpy dtypes carry one
    // here.
    private void Build(object? target, object? state)
    {
        switch (target)
        {
            case NumpyDType dt when state is object?[] { Length: > 1 } s && s[1] is string order
                && order.Length == 1: dt.ByteOrder = order[0]; break;
            case OrderedDictionary<object, object?>: case TensorData: case PendingTensor: break;
            default: throw Bad($"sets the state of a {target?.GetType().Name ?? "None"}, which a state dict does not " +
                "need; refused");
        }
    }

    private void SetItems(OrderedDictionary<object, object?> dict, IReadOnlyList<object?> items)
    {
        for (int i = 0; i + 1 < items.Count; i += 2)
            dict[items[i] ?? throw Bad("has a dict with a None key, which is not supported")] = items[i + 1];
    }

    private static object Narrow(BigInteger v) => v >= long.MinValue && v <= long.MaxValue ? (object)(long)v : v;

    private object ParseIntLine(string line) => line switch
    {
        "00" => false,
        "01" => true,
        _ => Narrow(ParseBig(line)),
    };

    // Python itself refuses int text over 4300 digits (parsing is quadratic); garbage gets one message naming the file
    private const int MaxDigits = 4300;

    // LONG4 of more than 4300 digits' worth: formatting one (a dict key in a message) would take minutes
    internal const int MaxLongBytes = 1786;

    private long ReadLongBytes()
    {
        long n = ReadLength4();
        return n <= MaxLongBytes ? n
            : throw Bad($"holds an integer of {n:N0} bytes (over {MaxDigits} digits); refused");
    }

    private BigInteger ParseBig(string text) =>
        text.Length <= MaxDigits + 1
        && BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
            ? v : throw Garbage("an integer", text);

    private long ParseMemoKey(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v)
            ? v : throw Garbage("a memo key", text);

    // protocol 0 writes repr(float): 'inf', '-inf' and 'nan' besides the usual forms
    private double ParseFloat(string text) => text switch
    {
        "inf" => double.PositiveInfinity,
        "-inf" => double.NegativeInfinity,
        "nan" => double.NaN,
        _ => text.Length <= 400 && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v : throw Garbage("a float", text),
    };

    private CheckpointException Garbage(string what, string text)
    {
        var shown = new string(text.Take(40).Select(c => char.IsControl(c) ? '?' : c).ToArray());
        if (text.Length > 40) shown += "...";
        return Bad($"is corrupt: its pickle has '{shown}' where {what} belongs (before byte {_pos})");
    }

    private static string Unquote(string s) => s.Length >= 2 && (s[0] == '\'' || s[0] == '"') ? s[1..^1] : s;

    private void Push(object? v) => _stack.Add(v);

    // items above the innermost MARK: Python keeps each MARK's items in a frame of their own, and so must we, or a
    // crafted POP below a MARK would leave it pointing past the stack
    private int AboveMark => _stack.Count - (_marks.Count > 0 ? _marks.Peek() : 0);

    private object? Peek() => AboveMark > 0 ? _stack[^1] : throw Bad("is corrupt: pickle stack underflow");

    private object? Pop()
    {
        var v = Peek();
        _stack.RemoveAt(_stack.Count - 1);
        return v;
    }

    private object?[] PopMark()
    {
        if (_marks.Count == 0) throw Bad("is corrupt: pickle MARK missing");
        int m = _marks.Pop();
        var items = _stack.GetRange(m, _stack.Count - m).ToArray();
        _stack.RemoveRange(m, _stack.Count - m);
        return items;
    }

    private object? MemoGet(long key) => _memo.TryGetValue(key, out var v) ? v
        : throw Bad($"is corrupt: pickle memo {key} missing");

    private List<object?> AsList(object? v) => v as List<object?> ?? throw Bad("is corrupt: APPEND to a non-list");
    private OrderedDictionary<object, object?> AsDict(object? v) => v as OrderedDictionary<object, object?>
        ?? throw Bad("is corrupt: SETITEM on a non-dict");
    private HashSet<object?> AsSet(object? v) => v as HashSet<object?>
        ?? throw Bad("is corrupt: ADDITEMS on a non-set");
    private object?[] AsTuple(object? v) => v as object?[] ?? throw Bad("is corrupt: arguments are not a tuple");
    private string AsString(object? v) => v as string ?? throw Bad("is corrupt: global name is not a string");

    private byte ReadByte() => _pos < data.Length ? data[_pos++] : throw Truncated();

    private ReadOnlySpan<byte> Read(long n)
    {
        if (n < 0 || n > data.Length - _pos) throw Truncated();
        var span = data.AsSpan(_pos, (int)n);
        _pos += (int)n;
        return span;
    }

    private long ReadLength4() => BinaryPrimitives.ReadUInt32LittleEndian(Read(4));
    private long ReadLength8() => BinaryPrimitives.ReadInt64LittleEndian(Read(8));

    private string ReadLine()
    {
        int end = Array.IndexOf(data, (byte)'\n', _pos);
        if (end < 0) throw Truncated();
        var s = Encoding.UTF8.GetString(data, _pos, end - _pos);
        _pos = end + 1;
        return s.TrimEnd('\r');
    }

    private CheckpointException Truncated() => Bad("is truncated: the pickle ends before its STOP opcode; download " +
        "or copy it again");

    private CheckpointException Bad(string what) => new($"checkpoint '{source}' {what}");
}
