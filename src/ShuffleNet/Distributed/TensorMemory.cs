using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace ShuffleNet.Distributed;

/// <summary>Raw access to a tensor's storage for the native collectives.</summary>
internal static class TensorMemory
{
    // TorchSharp 0.107 has no data_ptr(); Tensor.bytes copies CUDA tensors to the CPU, so NCCL could not use it.
    // THSTensor_data is the export TorchSharp itself uses behind Tensor.bytes and returns the device pointer as is.
    [DllImport("LibTorchSharp")]
    private static extern IntPtr THSTensor_data(IntPtr handle);

    /// <summary>The address of the first element (host or device memory, as the tensor lives).</summary>
    /// <exception cref="ArgumentException">The tensor is not contiguous.</exception>
    public static IntPtr Pointer(Tensor t)
    {
        if (!t.is_contiguous()) throw new ArgumentException("collectives need a contiguous tensor; call " +
            ".contiguous() first", nameof(t));
        return THSTensor_data(t.Handle);
    }

    /// <summary>Bytes of the tensor's data.</summary>
    public static long ByteCount(Tensor t) => t.numel() * t.ElementSize;
}
