namespace ShuffleNet.Checkpoints;

// Internal objects that live only while a pickle is being read; TorchFile resolves them away
// (PendingTensor -> TensorData, NumpyDType -> its name) before anything reaches the caller.

/// <summary>An allow-listed Python global: a name and what "calling" it does, in C#.</summary>
internal sealed class PyGlobal(string module, string name, Func<object?[], object?> call)
{
    public string FullName { get; } = $"{module}.{name}";
    public object? Call(object?[] args) => call(args);
    public override string ToString() => FullName;
}

/// <summary>One storage of a checkpoint: element type, element count, bytes (filled when read).</summary>
internal sealed class StorageRef(DType dtype, string key, long numel)
{
    public DType DType { get; } = dtype;
    public string Key { get; } = key;
    public long Numel { get; } = numel;
    public byte[]? Data { get; set; }
    /// <summary>Element offset into the root storage (legacy view_metadata), 0 otherwise.</summary>
    public long ViewOffset { get; init; }
    public StorageRef? Root { get; init; }
}

/// <summary>
/// A tensor whose storage bytes may not be read yet (the legacy format stores them after the pickle).
/// </summary>
internal sealed class PendingTensor(StorageRef storage, long offset, long[] size, long[] stride, DType dtype)
{
    public StorageRef Storage { get; } = storage;
    public long Offset { get; } = offset;
    public long[] Size { get; } = size;
    public long[] Stride { get; } = stride;
    public DType DType { get; } = dtype;
}

/// <summary><c>numpy.dtype</c> as pickled: a type code ('f8') and, after BUILD, a byte order.</summary>
internal sealed class NumpyDType(string code)
{
    public string Code { get; } = code;
    public char ByteOrder { get; set; } = '<';
}

/// <summary>The pickle MARK on the stack.</summary>
internal sealed class PickleMark
{
    public static readonly PickleMark Instance = new();
}
