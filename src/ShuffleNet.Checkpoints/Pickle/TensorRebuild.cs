namespace ShuffleNet.Checkpoints;

/// <summary>
/// <c>torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)</c> without torch: records the view,
/// then copies it out of its storage in row-major order once the storage bytes are known. Views share one
/// storage in the file (a transpose, a slice, two slices of one tensor), so offset and strides matter.
/// </summary>
internal static class TensorRebuild
{
    public static PendingTensor Rebuild(object?[] args, string source)
    {
        if (args is not [StorageRef storage, long offset, object?[] size, object?[] stride, ..])
            throw new CheckpointException($"checkpoint '{source}' has a malformed _rebuild_tensor call");
        return new PendingTensor(storage, offset, Longs(size, source), Longs(stride, source), storage.DType);
    }

    /// <summary>The tensor's elements, row-major, copied out of its (now read) storage.</summary>
    public static TensorData Materialise(PendingTensor t, string source)
    {
        var root = t.Storage.Root ?? t.Storage;
        var data = root.Data ?? throw new CheckpointException($"checkpoint '{source}' is truncated: storage '{root.Key}' has no data");
        int es = TensorData.ElementSize(t.DType);
        long available = data.LongLength / es, count = 1, last = t.Storage.ViewOffset + t.Offset;
        if (t.Size.Length != t.Stride.Length) throw new CheckpointException($"checkpoint '{source}' has a tensor whose size and stride differ in rank");
        for (int i = 0; i < t.Size.Length; i++)
        {
            if (t.Size[i] < 0 || t.Stride[i] < 0) throw new CheckpointException($"checkpoint '{source}' has a tensor with a negative size or stride");
            count *= t.Size[i];
            last += (t.Size[i] - 1) * t.Stride[i];
        }
        var bytes = new byte[count * es];
        if (count == 0) return new TensorData(t.DType, t.Size, bytes);
        long first = t.Storage.ViewOffset + t.Offset;
        if (first < 0 || last >= available)
            throw new CheckpointException($"checkpoint '{source}' has a tensor view [{string.Join(", ", t.Size)}] reaching element {last} of storage '{root.Key}' that holds {available}; the file is corrupt");
        if (IsRowMajor(t.Size, t.Stride))
        {
            Array.Copy(data, first * es, bytes, 0, bytes.LongLength);
            return new TensorData(t.DType, t.Size, bytes);
        }
        // odometer over the index, innermost dimension fastest: the row-major order of the result
        var index = new long[t.Size.Length];
        long src = first;
        for (long n = 0; n < count; n++)
        {
            Array.Copy(data, src * es, bytes, n * es, es);
            for (int d = t.Size.Length - 1; d >= 0; d--)
            {
                src += t.Stride[d];
                if (++index[d] < t.Size[d]) break;
                src -= t.Stride[d] * t.Size[d];
                index[d] = 0;
            }
        }
        return new TensorData(t.DType, t.Size, bytes);
    }

    private static bool IsRowMajor(long[] size, long[] stride)
    {
        long expected = 1;
        for (int d = size.Length - 1; d >= 0; d--)
        {
            if (size[d] != 1 && stride[d] != expected) return false;
            expected *= size[d];
        }
        return true;
    }

    private static long[] Longs(object?[] values, string source) =>
        values.Select(v => v is long l ? l : throw new CheckpointException($"checkpoint '{source}' has a tensor size that is not an integer")).ToArray();
}
