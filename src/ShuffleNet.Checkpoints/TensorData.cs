using System.Runtime.InteropServices;

namespace ShuffleNet.Checkpoints;

/// <summary>Element types a PyTorch state dict can hold, named after <c>torch.dtype</c>.</summary>
public enum DType
{
    /// <summary><c>torch.float32</c>.</summary>
    Float32,
    /// <summary><c>torch.float64</c>.</summary>
    Float64,
    /// <summary><c>torch.float16</c>.</summary>
    Float16,
    /// <summary><c>torch.bfloat16</c>.</summary>
    BFloat16,
    /// <summary><c>torch.int64</c>.</summary>
    Int64,
    /// <summary><c>torch.int32</c>.</summary>
    Int32,
    /// <summary><c>torch.int16</c>.</summary>
    Int16,
    /// <summary><c>torch.int8</c>.</summary>
    Int8,
    /// <summary><c>torch.uint8</c>.</summary>
    UInt8,
    /// <summary><c>torch.bool</c>.</summary>
    Bool,
}

/// <summary>
/// A dense tensor as a checkpoint stores it, without TorchSharp: element type, shape and the elements
/// in row-major (C-contiguous) order, little-endian.
/// </summary>
/// <remarks>
/// A tensor read from a file may be a view into a storage it shares (a slice, a transpose, a stride-0
/// <c>expand</c>), as PyTorch keeps it: <see cref="Bytes"/> copies it out row-major on first use, so a
/// 1 KB storage expanded to 2 GB costs nothing until (and unless) its elements are asked for.
/// </remarks>
public sealed class TensorData
{
    private byte[]? _bytes;   // row-major elements; for a view, made on first use

    /// <summary>Creates a tensor from raw little-endian, row-major element bytes.</summary>
    /// <exception cref="ArgumentException">The byte count does not match the shape and type.</exception>
    public TensorData(DType dtype, long[] shape, byte[] bytes)
    {
        long count = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new ArgumentException($"negative dimension in shape [{string.Join(", ", shape)}]",
                nameof(shape));
            count = d == 0 || count == 0 ? 0 : count <= bytes.LongLength / d ? count * d : long.MaxValue;
        }
        if (count == long.MaxValue || count * ElementSize(dtype) != bytes.LongLength)
            throw new ArgumentException($"{bytes.LongLength} bytes do not hold a {dtype} tensor of shape " +
                $"[{string.Join(", ", shape)}]", nameof(bytes));
        DType = dtype;
        Shape = shape;
        Count = count;
        _bytes = Storage = bytes;
        Strides = ContiguousStrides(shape);
    }

    /// <summary>
    /// A view of <paramref name="storage"/> as PyTorch's <c>as_strided</c> makes it. The caller
    /// (<see cref="TensorRebuild"/>) has checked that every element lies in the storage and that the row-major
    /// copy fits one array.
    /// </summary>
    internal TensorData(DType dtype, long[] shape, long count, byte[] storage, long offset, long[] strides)
    {
        DType = dtype;
        Shape = shape;
        Count = count;
        Storage = storage;
        StorageOffset = offset;
        Strides = strides;
        if (offset == 0 && count * ElementSize(dtype) == storage.LongLength && IsRowMajor(shape, strides))
            _bytes = storage;
    }

    /// <summary>The storage the elements live in: <see cref="Bytes"/> itself unless this is a view.</summary>
    internal byte[] Storage { get; }

    /// <summary>Offset of element [0, ..., 0] in <see cref="Storage"/>, in elements.</summary>
    internal long StorageOffset { get; }

    /// <summary>Step in elements along each dimension; row-major strides unless this is a view.</summary>
    internal long[] Strides { get; }

    /// <summary>Element type.</summary>
    public DType DType { get; }

    /// <summary>Shape, outermost dimension first.</summary>
    public long[] Shape { get; }

    /// <summary>Elements, row-major, little-endian (for a view, copied out of its storage on first use).</summary>
    public byte[] Bytes => _bytes ??= CopyOut();

    /// <summary>Number of elements.</summary>
    public long Count { get; }

    /// <summary>Shape as PyTorch prints it, e.g. <c>[24, 3, 3, 3]</c>.</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";

    /// <summary>Wraps float32 elements.</summary>
    public static TensorData FromFloat32(float[] values, params long[] shape) =>
        new(DType.Float32, shape, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    /// <summary>Wraps int64 elements.</summary>
    public static TensorData FromInt64(long[] values, params long[] shape) =>
        new(DType.Int64, shape, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    /// <summary>The elements converted to float32 (exact for float32, rounded for float64 and integers).</summary>
    public float[] ToFloat32()
    {
        var n = (int)Count;
        var result = new float[n];
        var b = Bytes.AsSpan();
        switch (DType)
        {
            case DType.Float32: MemoryMarshal.Cast<byte, float>(b).CopyTo(result); break;
            case DType.Float64: { var s = MemoryMarshal.Cast<byte, double>(b);
                for (int i = 0; i < n; i++) result[i] = (float)s[i]; break; }
            case DType.Float16: { var s = MemoryMarshal.Cast<byte, Half>(b);
                for (int i = 0; i < n; i++) result[i] = (float)s[i]; break; }
            case DType.BFloat16: { var s = MemoryMarshal.Cast<byte, ushort>(b);
                for (int i = 0; i < n; i++) result[i] = BitConverter.Int32BitsToSingle(s[i] << 16); break; }
            case DType.Int64: { var s = MemoryMarshal.Cast<byte, long>(b); for (int i = 0; i < n; i++) result[i] = s[i];
                break; }
            case DType.Int32: { var s = MemoryMarshal.Cast<byte, int>(b); for (int i = 0; i < n; i++) result[i] = s[i];
                break; }
            case DType.Int16: { var s = MemoryMarshal.Cast<byte, short>(b);
                for (int i = 0; i < n; i++) result[i] = s[i]; break; }
            case DType.Int8: { for (int i = 0; i < n; i++) result[i] = (sbyte)b[i]; break; }
            case DType.UInt8: case DType.Bool: { for (int i = 0; i < n; i++) result[i] = b[i]; break; }
            default: throw new NotSupportedException(DType.ToString());
        }
        return result;
    }

    /// <summary>Bytes per element of <paramref name="dtype"/>.</summary>
    public static int ElementSize(DType dtype) => dtype switch
    {
        DType.Float64 or DType.Int64 => 8,
        DType.Float32 or DType.Int32 => 4,
        DType.Float16 or DType.BFloat16 or DType.Int16 => 2,
        _ => 1,
    };

    /// <inheritdoc />
    public override string ToString() => $"{DType}{ShapeText}";

    internal static long[] ContiguousStrides(long[] shape)
    {
        var stride = new long[shape.Length];
        for (long d = shape.Length - 1, s = 1; d >= 0; s *= Math.Max(shape[d], 1), d--) stride[d] = s;
        return stride;
    }

    private static bool IsRowMajor(long[] shape, long[] strides)
    {
        long expected = 1;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            if (shape[d] != 1 && strides[d] != expected) return false;
            expected *= shape[d];
        }
        return true;
    }

    // odometer over the index, innermost dimension fastest: the row-major order of the result
    private byte[] CopyOut()
    {
        int es = ElementSize(DType);
        var bytes = new byte[Count * es];
        if (Count == 0) return bytes;
        if (IsRowMajor(Shape, Strides))
        {
            Array.Copy(Storage, StorageOffset * es, bytes, 0, bytes.LongLength);
            return bytes;
        }
        var index = new long[Shape.Length];
        long src = StorageOffset;
        for (long n = 0; n < Count; n++)
        {
            Array.Copy(Storage, src * es, bytes, n * es, es);
            for (int d = Shape.Length - 1; d >= 0; d--)
            {
                src += Strides[d];
                if (++index[d] < Shape[d]) break;
                src -= Strides[d] * Shape[d];
                index[d] = 0;
            }
        }
        return bytes;
    }
}
