using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace ShuffleNet.Distributed;

/// <summary>
/// <see cref="IProcessGroup"/> over NCCL (<c>libnccl.so.2</c>) on CUDA tensors, one GPU per rank (<c>LOCAL_RANK</c>),
/// as torchrun launches it. Rank 0 creates the NCCL unique id and hands it to the others through
/// <see cref="TcpRendezvous"/> at <c>MASTER_ADDR:MASTER_PORT</c>. Collectives run on the default stream and are waited
/// for, so callers see finished data. UNTESTED: written and compiled on a machine without a GPU; the CPU path
/// (<see cref="MpiProcessGroup"/>) is the tested one.
/// </summary>
public sealed class NcclProcessGroup : IProcessGroup
{
    private const string Nccl = "libnccl.so.2", Cudart = "libcudart.so";
    // nccl.h: ncclDataType_t, ncclRedOp_t
    private const int NcclFloat32 = 7, NcclFloat64 = 8, NcclUint8 = 1, NcclSum = 0;

    /// <summary>
    /// nccl.h's <c>ncclUniqueId</c>: <c>{ char internal[128]; }</c>, passed by value to <c>ncclCommInitRank</c>.
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct UniqueId
    {
        public const int Size = 128;
        public fixed byte Internal[Size];
    }

    [DllImport(Nccl)] private static extern int ncclGetUniqueId(out UniqueId id);
    [DllImport(Nccl)] private static extern int ncclCommInitRank(out IntPtr comm, int nranks, UniqueId id, int rank);
    [DllImport(Nccl)] private static extern int ncclAllReduce(IntPtr send, IntPtr recv, nuint count, int type, int op,
        IntPtr comm, IntPtr stream);
    [DllImport(Nccl)] private static extern int ncclBroadcast(IntPtr send, IntPtr recv, nuint count, int type, int root,
        IntPtr comm, IntPtr stream);
    [DllImport(Nccl)] private static extern int ncclCommDestroy(IntPtr comm);
    [DllImport(Cudart)] private static extern int cudaSetDevice(int device);
    [DllImport(Cudart)] private static extern int cudaStreamSynchronize(IntPtr stream);

    // PyTorch's pip wheels ship only versioned sonames (libcudart.so.13) and load them before us: try those too
    static NcclProcessGroup() => NativeLibrary.SetDllImportResolver(typeof(NcclProcessGroup).Assembly, Resolve);

    private static IntPtr Resolve(string name, System.Reflection.Assembly assembly, DllImportSearchPath? path)
    {
        string[] candidates = name switch
        {
            Cudart => [Cudart, "libcudart.so.13", "libcudart.so.12", "libcudart.so.11.0"],
            Nccl => [Nccl, "libnccl.so"],
            _ => [],
        };
        foreach (var candidate in candidates)
            if (NativeLibrary.TryLoad(candidate, out var handle)) return handle;
        return IntPtr.Zero;   // the default search, and its error message
    }

    private IntPtr _comm;
    // the legacy default stream, which libtorch's default stream is too
    private readonly IntPtr _stream = IntPtr.Zero;

    /// <summary>
    /// Joins the world described by <paramref name="launch"/>, using GPU <see cref="LaunchEnvironment.LocalRank"/>.
    /// </summary>
    /// <exception cref="DistributedException">NCCL or CUDA is missing, or the rendezvous or communicator setup
    /// failed.</exception>
    public NcclProcessGroup(LaunchEnvironment launch, TimeSpan timeout)
    {
        (Rank, WorldSize) = (launch.Rank, launch.WorldSize);
        try
        {
            Check(cudaSetDevice(launch.LocalRank), "cudaSetDevice");
            var id = new UniqueId();
            if (Rank == 0) Check(ncclGetUniqueId(out id), "ncclGetUniqueId");
            var bytes = TcpRendezvous.Share(launch, Rank == 0 ? ToBytes(id) : null, timeout);
            Check(ncclCommInitRank(out _comm, WorldSize, FromBytes(bytes), Rank), "ncclCommInitRank");
        }
        catch (DllNotFoundException e)
        {
            throw new DistributedException($"the NCCL backend needs {Nccl} and {Cudart} (CUDA); on CPU use the MPI " +
                "backend (mpiexec)", e);
        }
    }

    /// <inheritdoc />
    public int Rank { get; }

    /// <inheritdoc />
    public int WorldSize { get; }

    /// <inheritdoc />
    public void AllReduceSum(Tensor tensor)
    {
        int type = tensor.dtype == ScalarType.Float32 ? NcclFloat32 : tensor.dtype == ScalarType.Float64 ? NcclFloat64
            : throw new ArgumentException($"AllReduceSum takes float32 or float64 tensors, not {tensor.dtype}",
                nameof(tensor));
        var p = Device(tensor);
        Check(ncclAllReduce(p, p, (nuint)tensor.numel(), type, NcclSum, _comm, _stream), "ncclAllReduce");
        Check(cudaStreamSynchronize(_stream), "cudaStreamSynchronize");
    }

    /// <inheritdoc />
    public void Broadcast(Tensor tensor, int root = 0)
    {
        var p = Device(tensor);
        Check(ncclBroadcast(p, p, (nuint)TensorMemory.ByteCount(tensor), NcclUint8, root, _comm, _stream),
            "ncclBroadcast");
        Check(cudaStreamSynchronize(_stream), "cudaStreamSynchronize");
    }

    /// <inheritdoc />
    public void Barrier()
    {
        // NCCL has no barrier: an all-reduce of one element waits for every rank, as torch.distributed does it
        using var one = zeros(1, device: new Device(DeviceType.CUDA));
        AllReduceSum(one);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_comm == IntPtr.Zero) return;
        ncclCommDestroy(_comm);
        _comm = IntPtr.Zero;
    }

    private static IntPtr Device(Tensor t) => t.device_type == DeviceType.CUDA ? TensorMemory.Pointer(t)
        : throw new ArgumentException($"the NCCL backend works on CUDA tensors, not {t.device}; use the MPI backend " +
            "on CPU");

    private static unsafe byte[] ToBytes(UniqueId id) => new ReadOnlySpan<byte>(id.Internal, UniqueId.Size).ToArray();

    private static unsafe UniqueId FromBytes(byte[] bytes)
    {
        var id = new UniqueId();
        bytes.AsSpan(0, UniqueId.Size).CopyTo(new Span<byte>(id.Internal, UniqueId.Size));
        return id;
    }

    private void Check(int code, string call)
    {
        if (code != 0) throw new DistributedException($"rank {Rank}: {call} failed with code {code}");
    }
}
