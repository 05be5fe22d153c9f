using System.Numerics;
using System.Runtime.CompilerServices;

namespace ShuffleNet.Vision.Transforms;

/// <summary>
/// The two convolution passes of Pillow's 8-bit resampler. Integer sums are order-independent, so the vertical pass may
/// run across a row with SIMD and still give Pillow's bytes: <c>clip8((1 &lt;&lt; 21) + sum(v * k)) &gt;&gt; 22</c>.
/// </summary>
internal static class ResampleKernels
{
    private const int Bits = ResampleCoefficients.PrecisionBits;
    private const int Half = 1 << (Bits - 1);

    /// <summary>Horizontal pass over <paramref name="rows"/> rows starting at <paramref name="srcOffset"/>.</summary>
    public static unsafe void Horizontal(byte[] src, int srcOffset, int srcStride, byte[] dst, int outWidth, int rows,
        int channels, ResampleCoefficients k)
    {
        int dstStride = outWidth * channels;
        fixed (byte* s0 = src)
        fixed (byte* d0 = dst)
        fixed (int* kk = k.Weights)
        fixed (int* bounds = k.Bounds)
        {
            for (int y = 0; y < rows; y++)
            {
                byte* srow = s0 + srcOffset + (long)y * srcStride;
                byte* d = d0 + (long)y * dstStride;
                if (channels == 3)
                {
                    for (int xx = 0; xx < outWidth; xx++, d += 3)
                    {
                        int xmin = bounds[xx * 2], n = bounds[xx * 2 + 1];
                        int* w = kk + xx * k.KSize;
                        byte* p = srow + xmin * 3;
                        int s0_ = Half, s1 = Half, s2 = Half;
                        for (int x = 0; x < n; x++, p += 3)
                        {
                            int wx = w[x];
                            s0_ += p[0] * wx; s1 += p[1] * wx; s2 += p[2] * wx;
                        }
                        d[0] = Clip8(s0_); d[1] = Clip8(s1); d[2] = Clip8(s2);
                    }
                }
                else
                {
                    for (int xx = 0; xx < outWidth; xx++)
                    {
                        int xmin = bounds[xx * 2], n = bounds[xx * 2 + 1];
                        int* w = kk + xx * k.KSize;
                        int s = Half;
                        for (int x = 0; x < n; x++) s += srow[xmin + x] * w[x];
                        d[xx] = Clip8(s);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Vertical pass: output row yy sums input rows <c>bounds[2yy] - shift ...</c> of <paramref name="src"/>
    /// (which starts at <paramref name="srcOffset"/>) over <paramref name="rowBytes"/> bytes per row.
    /// </summary>
    public static unsafe void Vertical(byte[] src, int srcOffset, int srcStride, byte[] dst, int rowBytes,
        int outHeight,
        ResampleCoefficients k, int shift)
    {
        int vb = Vector<byte>.Count;
        fixed (byte* s0 = src)
        fixed (byte* d0 = dst)
        fixed (int* kk = k.Weights)
        {
            for (int yy = 0; yy < outHeight; yy++)
            {
                int ymin = k.Bounds[yy * 2] - shift, n = k.Bounds[yy * 2 + 1];
                int* w = kk + yy * k.KSize;
                byte* sbase = s0 + srcOffset + (long)ymin * srcStride;
                byte* d = d0 + (long)yy * rowBytes;
                int x = 0;
                for (; x + vb <= rowBytes; x += vb)
                {
                    var a0 = new Vector<int>(Half); var a1 = a0; var a2 = a0; var a3 = a0;
                    byte* p = sbase + x;
                    for (int y = 0; y < n; y++, p += srcStride)
                    {
                        var wy = new Vector<int>(w[y]);
                        Vector.Widen(Unsafe.ReadUnaligned<Vector<byte>>(p), out var lo, out var hi);
                        Vector.Widen(lo, out var u0, out var u1);
                        Vector.Widen(hi, out var u2, out var u3);
                        a0 += Vector.AsVectorInt32(u0) * wy; a1 += Vector.AsVectorInt32(u1) * wy;
                        a2 += Vector.AsVectorInt32(u2) * wy; a3 += Vector.AsVectorInt32(u3) * wy;
                    }
                    var lo16 = Vector.Narrow(ClipToUInt(a0), ClipToUInt(a1));
                    var hi16 = Vector.Narrow(ClipToUInt(a2), ClipToUInt(a3));
                    Unsafe.WriteUnaligned(d + x, Vector.Narrow(lo16, hi16));
                }
                for (; x < rowBytes; x++)
                {
                    int s = Half;
                    byte* p = sbase + x;
                    for (int y = 0; y < n; y++, p += srcStride) s += *p * w[y];
                    d[x] = Clip8(s);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<uint> ClipToUInt(Vector<int> acc) =>
        Vector.AsVectorUInt32(Vector.Min(Vector.Max(Vector.ShiftRightArithmetic(acc, Bits), Vector<int>.Zero),
            new Vector<int>(255)));

    /// <summary>Pillow's <c>clip8</c>: the sum's integer part, clamped to a byte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte Clip8(int sum)
    {
        int v = sum >> Bits;
        return (byte)(v < 0 ? 0 : v > 255 ? 255 : v);
    }
}
