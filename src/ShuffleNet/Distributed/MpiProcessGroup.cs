using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace ShuffleNet.Distributed;

/// <summary>
/// <see cref="IProcessGroup"/> over MPI (MPICH's <c>libmpich.so.12</c>, Debian's <c>mpich</c> package) on CPU tensors:
/// the ranks are those <c>mpiexec -n N</c> started. One instance per process: MPI is initialised once and finalised on
/// dispose.
/// </summary>
public sealed class MpiProcessGroup : IProcessGroup
{
    // MPICH's C ABI: handles are ints (mpi.h: typedef int MPI_Comm, MPI_Datatype, MPI_Op); values checked against
    // /usr/include/x86_64-linux-gnu/mpich/mpi.h of Debian 12's libmpich-dev 4.0.2. Open MPI's ABI differs (pointers).
    private const string Lib = "libmpich.so.12";
    private const int CommWorld = 0x44000000, Float = 0x4c00040a, Double = 0x4c00080b, Byte = 0x4c00010d,
        Sum = 0x58000003;
    private static readonly IntPtr InPlace = new(-1);

    [DllImport(Lib)] private static extern int MPI_Init(IntPtr argc, IntPtr argv);
    [DllImport(Lib)] private static extern int MPI_Initialized(out int flag);
    [DllImport(Lib)] private static extern int MPI_Finalized(out int flag);
    [DllImport(Lib)] private static extern int MPI_Comm_rank(int comm, out int rank);
    [DllImport(Lib)] private static extern int MPI_Comm_size(int comm, out int size);
    [DllImport(Lib)] private static extern int MPI_Allreduce(IntPtr sendbuf, IntPtr recvbuf, int count, int datatype,
        int op, int comm);
    [DllImport(Lib)] private static extern int MPI_Bcast(IntPtr buffer, int count, int datatype, int root, int comm);
    [DllImport(Lib)] private static extern int MPI_Barrier(int comm);
    [DllImport(Lib)] private static extern int MPI_Finalize();

    private bool _disposed;

    /// <summary>
    /// Initialises MPI (unless the process already did) and reads rank and size of <c>MPI_COMM_WORLD</c>.
    /// </summary>
    /// <exception cref="DistributedException">libmpich is missing or MPI could not start.</exception>
    public MpiProcessGroup()
    {
        try
        {
            Check(MPI_Initialized(out int done), "MPI_Initialized");
            if (done == 0) Check(MPI_Init(IntPtr.Zero, IntPtr.Zero), "MPI_Init");
        }
        catch (DllNotFoundException e)
        {
            throw new DistributedException($"the MPI backend needs {Lib} (MPICH); run tools/setup.sh or 'apt-get " +
                "install mpich'", e);
        }
        Check(MPI_Comm_rank(CommWorld, out int rank), "MPI_Comm_rank");
        Check(MPI_Comm_size(CommWorld, out int size), "MPI_Comm_size");
        (Rank, WorldSize) = (rank, size);
    }

    /// <inheritdoc />
    public int Rank { get; }

    /// <inheritdoc />
    public int WorldSize { get; }

    /// <inheritdoc />
    public void AllReduceSum(Tensor tensor)
    {
        int type = tensor.dtype == ScalarType.Float32 ? Float : tensor.dtype == ScalarType.Float64 ? Double
            : throw new ArgumentException($"AllReduceSum takes float32 or float64 tensors, not {tensor.dtype}",
                nameof(tensor));
        CheckCpu(tensor);
        Check(MPI_Allreduce(InPlace, TensorMemory.Pointer(tensor), Count(tensor.numel()), type, Sum, CommWorld),
            "MPI_Allreduce");
    }

    /// <inheritdoc />
    public void Broadcast(Tensor tensor, int root = 0)
    {
        CheckCpu(tensor);
        // as bytes: any dtype, and every rank has the same shape and dtype by contract
        Check(MPI_Bcast(TensorMemory.Pointer(tensor), Count(TensorMemory.ByteCount(tensor)), Byte, root, CommWorld),
            "MPI_Bcast");
    }

    /// <inheritdoc />
    public void Barrier() => Check(MPI_Barrier(CommWorld), "MPI_Barrier");

    /// <summary>Finalises MPI (collective: every rank must dispose its group).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (MPI_Finalized(out int f) == 0 && f == 0) MPI_Finalize();
    }

    private static void CheckCpu(Tensor t)
    {
        if (t.device_type != DeviceType.CPU) throw new ArgumentException($"the MPI backend works on CPU tensors, not " +
            $"{t.device}; use the NCCL backend on GPUs");
    }

    private static int Count(long n) =>
        n <= int.MaxValue ? (int)n : throw new ArgumentException($"{n} elements exceed MPI's int count; split the " +
            "buffer");

    private void Check(int code, string call)
    {
        // MPICH's default error handler aborts the job before returning an error; this is for handlers that return
        if (code != 0) throw new DistributedException($"rank {(_disposed ? -1 : Rank)}: {call} failed with MPI error " +
            $"{code}");
    }
}
