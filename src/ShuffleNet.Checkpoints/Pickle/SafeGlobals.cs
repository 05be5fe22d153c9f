namespace ShuffleNet.Checkpoints;

/// <summary>
/// The allow-list of Python globals a checkpoint may name, each mapped to a C# stand-in that builds plain
/// data; everything else is refused when the pickle names it, before anything could be called. This is
/// the whole of the unpickler's trust boundary, like <c>torch.load(weights_only=True)</c>.
/// </summary>
internal static class SafeGlobals
{
    public static object Resolve(string module, string name, string source)
    {
        object? found = (module, name) switch
        {
            ("collections", "OrderedDict") => new PyGlobal(module, name, NewOrderedDict),
            ("torch._utils", "_rebuild_tensor") => new PyGlobal(module, name, a => TensorRebuild.Rebuild(a, source)),
            ("torch._utils", "_rebuild_tensor_v2") => new PyGlobal(module, name, a => TensorRebuild.Rebuild(a, source)),
            ("torch._utils", "_rebuild_parameter") or ("torch._utils", "_rebuild_parameter_with_state") =>
                new PyGlobal(module, name, a => a.Length > 0 ? a[0] : null),
            // torch 2.x wraps tensors with Python attributes as _rebuild_from_type_v2(func, type, args, state);
            // func was itself resolved through this list, and the type and state are dropped
            ("torch._tensor", "_rebuild_from_type_v2") => new PyGlobal(module, name, a => RebuildFromType(a, source)),
            // protocol 2 pickles a set as set([items]) (protocol 4 has its own opcodes)
            ("builtins" or "__builtin__", "set" or "frozenset") =>
                new PyGlobal(module, name, a => a switch
                {
                    [] => new HashSet<object?>(),
                    [List<object?> items] => new HashSet<object?>(items),
                    [object?[] items] => new HashSet<object?>(items),
                    _ => throw Malformed($"{name}()", source),
                }),
            ("torch", "Tensor") or ("torch.nn.parameter", "Parameter") or ("torch._tensor", "Tensor") =>
                new PyGlobal(module, name, _ => throw Refused(module, name, source)),
            ("_codecs", "encode") => new PyGlobal(module, name, a => NumpyValues.Encode(a, source)),
            ("numpy", "dtype") => new PyGlobal(module, name, a => new NumpyDType(a is [string code, ..]
                ? code : throw Malformed("numpy.dtype", source))),
            ("numpy.core.multiarray", "scalar") or ("numpy._core.multiarray", "scalar") =>
                new PyGlobal(module, name, a => a is [NumpyDType dt, byte[] bytes] ? NumpyValues.Scalar(dt, bytes,
                    source) : throw Malformed("numpy scalar", source)),
            ("torch", _) or ("torch.storage", _) => StorageTypes.FromTorchName(name),
            _ => null,
        };
        return found ?? throw Refused(module, name, source);
    }

    private const string RebuildFromTypeV2 = "torch._tensor._rebuild_from_type_v2";

    // a crafted file nests _rebuild_from_type_v2(_rebuild_from_type_v2, T, (_rebuild_from_type_v2, ...)) 200,000 deep:
    // unwrapped in a loop, bounded by the file, where calling through would overflow the stack
    private static object? RebuildFromType(object?[] args, string source)
    {
        while (true)
        {
            if (args is not [PyGlobal f, _, object?[] inner, ..])
                throw new CheckpointException($"checkpoint '{source}' has a malformed _rebuild_from_type_v2");
            if (f.FullName != RebuildFromTypeV2) return f.Call(inner);
            args = inner;
        }
    }

    // OrderedDict() from protocol 2 has no arguments; OrderedDict([(k, v), ...]) from older writers has one
    private static object NewOrderedDict(object?[] args)
    {
        var d = new OrderedDictionary<object, object?>();
        if (args is [List<object?> pairs])
            foreach (var p in pairs)
                if (p is object?[] { Length: 2 } kv && kv[0] is { } k) d[k] = kv[1];
        return d;
    }

    private static CheckpointException Malformed(string what,
        string source) => new($"checkpoint '{source}' has a malformed {what}");

    private static CheckpointException Refused(string module, string name, string source) => new(
        $"checkpoint '{source}' refers to the Python global '{module}.{name}', which is not on the allow-list for " +
        "state dicts: refused, not executed. Load only files you trust; if this one is, re-save its state dict " +
        "with torch.save(model.state_dict(), path).");
}
