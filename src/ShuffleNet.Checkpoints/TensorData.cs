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
public sealed class TensorData
{
    /// <summary>Creates a tensor from raw little-endian, row-major element bytes.</summary>
    /// <exception cref="ArgumentException">The byte count does not match the shape and type.</exception>
    public TensorData(DType dtype, long[] shape, byte[] bytes)
    {
        long count = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new ArgumentException($"negative dimension in shape [{string.Join(", ", shape)}]", nameof(shape));
            count *= d;
        }
        if (count * ElementSize(dtype) != bytes.LongLength)
            throw new ArgumentException($"{bytes.LongLength} bytes do not hold a {dtype} tensor of shape [{string.Join(", ", shape)}]", nameof(bytes));
        DType = dtype;
        Shape = shape;
        Bytes = bytes;
    }

    /// <summary>Element type.</summary>
    public DType DType { get; }

    /// <summary>Shape, outermost dimension first.</summary>
    public long[] Shape { get; }

    /// <summary>Elements, row-major, little-endian.</summary>
    public byte[] Bytes { get; }

    /// <summary>Number of elements.</summary>
    public long Count => Bytes.LongLength / ElementSize(DType);

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
            case DType.Float64: { var s = MemoryMarshal.Cast<byte, double>(b); for (int i = 0; i < n; i++) result[i] = (float)s[i]; break; }
            case DType.Float16: { var s = MemoryMarshal.Cast<byte, Half>(b); for (int i = 0; i < n; i++) result[i] = (float)s[i]; break; }
            case DType.BFloat16: { var s = MemoryMarshal.Cast<byte, ushort>(b); for (int i = 0; i < n; i++) result[i] = BitConverter.Int32BitsToSingle(s[i] << 16); break; }
            case DType.Int64: { var s = MemoryMarshal.Cast<byte, long>(b); for (int i = 0; i < n; i++) result[i] = s[i]; break; }
            case DType.Int32: { var s = MemoryMarshal.Cast<byte, int>(b); for (int i = 0; i < n; i++) result[i] = s[i]; break; }
            case DType.Int16: { var s = MemoryMarshal.Cast<byte, short>(b); for (int i = 0; i < n; i++) result[i] = s[i]; break; }
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
}
