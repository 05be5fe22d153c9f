namespace ShuffleNet.Checkpoints;

/// <summary>
/// <c>torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)</c> without torch: records the view,
/// then, once the storage bytes are known, checks it the way <c>as_strided</c> does and keeps it as a view of its
/// storage (<see cref="TensorData"/> copies it out row-major on first use). Views share one storage in the file (a
/// transpose, a slice, two slices of one tensor, a stride-0 <c>expand</c>), so offset and strides matter.
/// </summary>
internal static class TensorRebuild
{
    private const int MaxRank = 64;   // far above any model's; bounds the work and the message per tensor

    public static PendingTensor Rebuild(object?[] args, string source)
    {
        if (args is not [StorageRef storage, long offset, object?[] size, object?[] stride, ..])
            throw new CheckpointException($"checkpoint '{source}' has a malformed _rebuild_tensor call");
        return new PendingTensor(storage, offset, Longs(size, source), Longs(stride, source), storage.DType);
    }

    /// <summary>
    /// The tensor over its (now read) storage. Refused with a message naming the file: a negative size, stride or
    /// offset, a view reaching past its storage's real bytes, arithmetic that overflows 64 bits (a crafted file's
    /// way to wrap around the bounds check), and a tensor whose row-major copy would not fit one .NET array (2 GB).
    /// </summary>
    public static TensorData Materialise(PendingTensor t, string source)
    {
        var root = t.Storage.Root ?? t.Storage;
        var data = root.Data ?? throw new CheckpointException($"checkpoint '{source}' is truncated: storage " +
            $"'{root.Key}' has no data");
        int es = TensorData.ElementSize(t.DType);
        if (t.Size.Length != t.Stride.Length) throw Corrupt(source, "a tensor whose size and stride differ in rank");
        if (t.Size.Length > MaxRank)
            throw Corrupt(source, $"a tensor of {t.Size.Length} dimensions (at most {MaxRank} are supported)");
        long rootElements = data.LongLength / es;
        // a legacy storage view is the slice [ViewOffset, ViewOffset + Numel) of its root; the tensor stays inside
        long viewStart = t.Storage.Root is null ? 0 : t.Storage.ViewOffset;
        long viewElements = t.Storage.Root is null ? rootElements : t.Storage.Numel;
        if (viewStart < 0 || viewElements < 0 || viewElements > rootElements - viewStart)
            throw Corrupt(source, $"a storage view of {viewElements} elements at {viewStart} outside storage " +
                $"'{root.Key}' of {rootElements}");
        if (t.Offset < 0) throw Corrupt(source, $"a tensor with the negative storage offset {t.Offset}");

        long count = 1, last = t.Offset;
        bool overflow = false;
        for (int i = 0; i < t.Size.Length; i++)
        {
            if (t.Size[i] < 0 || t.Stride[i] < 0)
                throw Corrupt(source, $"a tensor with a negative size or stride ({Describe(t)})");
            count = Mul(count, t.Size[i], ref overflow);
            if (t.Size[i] > 0) last = Add(last, Mul(t.Size[i] - 1, t.Stride[i], ref overflow), ref overflow);
        }
        if (count == 0) return new TensorData(t.DType, t.Size, 0, data, 0, t.Stride);   // PyTorch ignores the offset
        if (overflow || last >= viewElements)
            throw Corrupt(source, $"a tensor view {Describe(t)} " + (overflow
                ? "whose element arithmetic overflows 64 bits"
                : $"reaching element {last} of storage '{root.Key}' that holds {viewElements}"));
        long bytes = Mul(count, es, ref overflow);
        if (overflow || bytes > Array.MaxLength)
            throw new CheckpointException($"checkpoint '{source}' has a tensor {Describe(t)} of {count:N0} elements, " +
                "more than one .NET array holds (2 GB) once copied out; tensors that large are not supported");
        return new TensorData(t.DType, t.Size, count, data, viewStart + t.Offset, t.Stride);
    }

    private static long Mul(long a, long b, ref bool overflow)
    {
        if (a != 0 && b > long.MaxValue / a) { overflow = true; return long.MaxValue; }
        return a * b;
    }

    private static long Add(long a, long b, ref bool overflow)
    {
        if (b > long.MaxValue - a) { overflow = true; return long.MaxValue; }
        return a + b;
    }

    private static string Describe(PendingTensor t) =>
        $"[{string.Join(", ", t.Size)}] with stride ({string.Join(", ", t.Stride)}) at offset {t.Offset}";

    private static CheckpointException Corrupt(string source, string what) =>
        new($"checkpoint '{source}' has {what}; the file is corrupt or crafted");

    private static long[] Longs(object?[] values, string source) =>
        values.Select(v => v is long l ? l : throw new CheckpointException($"checkpoint '{source}' has a tensor size " +
            "that is not an integer")).ToArray();
}
