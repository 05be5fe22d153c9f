namespace ShuffleNet.Checkpoints;

/// <summary>
/// PyTorch storage classes and dtype names (<c>torch.FloatStorage</c>, <c>torch.float32</c>) to <see cref="DType"/> and
/// back.
/// </summary>
internal static class StorageTypes
{
    private static readonly (string Storage, DType DType)[] Storages =
    [
        ("FloatStorage", DType.Float32), ("DoubleStorage", DType.Float64), ("HalfStorage", DType.Float16),
        ("BFloat16Storage", DType.BFloat16), ("LongStorage", DType.Int64), ("IntStorage", DType.Int32),
        ("ShortStorage", DType.Int16), ("CharStorage", DType.Int8), ("ByteStorage", DType.UInt8),
        ("BoolStorage", DType.Bool),
        // torch 2.x untyped storages hold bytes; the tensor's dtype then comes from elsewhere
        ("UntypedStorage", DType.UInt8),
    ];

    private static readonly Dictionary<string, DType> DTypeNames = new()
    {
        ["float32"] = DType.Float32, ["float"] = DType.Float32, ["float64"] = DType.Float64, ["double"] = DType.Float64,
        ["float16"] = DType.Float16, ["half"] = DType.Float16, ["bfloat16"] = DType.BFloat16,
        ["int64"] = DType.Int64, ["long"] = DType.Int64, ["int32"] = DType.Int32, ["int"] = DType.Int32,
        ["int16"] = DType.Int16, ["short"] = DType.Int16, ["int8"] = DType.Int8, ["uint8"] = DType.UInt8,
            ["bool"] = DType.Bool,
    };

    /// <summary>
    /// The element type of a <c>torch.XStorage</c> class or <c>torch.dtype</c> name, boxed; null when neither.
    /// </summary>
    public static object? FromTorchName(string name)
    {
        foreach (var (storage, dtype) in Storages)
            if (storage == name) return dtype;
        return DTypeNames.TryGetValue(name, out var d) ? d : null;
    }

    /// <summary>The legacy storage class name torch.save writes for <paramref name="dtype"/>.</summary>
    public static string StorageName(DType dtype) => Storages.First(s => s.DType == dtype
        && s.Storage != "UntypedStorage").Storage;
}
