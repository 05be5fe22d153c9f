using System.Globalization;

namespace ShuffleNet.Distributed;

/// <summary>
/// Who this process is in a multi-process launch, read from the environment the launcher set: torchrun's (<c>RANK</c>,
/// <c>WORLD_SIZE</c>, <c>LOCAL_RANK</c>, <c>MASTER_ADDR</c>, <c>MASTER_PORT</c>), MPICH's Hydra (<c>PMI_RANK</c>,
/// <c>PMI_SIZE</c>, <c>MPI_LOCALRANKID</c>) or Open MPI's (<c>OMPI_COMM_WORLD_RANK</c>, <c>_SIZE</c>,
/// <c>_LOCAL_RANK</c>).
/// </summary>
/// <param name="Rank">Global rank.</param>
/// <param name="WorldSize">Number of ranks; 1 when nothing launched this process as part of a world.</param>
/// <param name="LocalRank">Rank on this machine (the GPU index for NCCL).</param>
/// <param name="MasterAddr">Rank 0's host for the TCP rendezvous (torchrun's; <c>127.0.0.1</c> by default).</param>
/// <param name="MasterPort">Rank 0's port for the rendezvous (29500 by default, as torchrun).</param>
/// <param name="Launcher"><c>torchrun</c>, <c>mpi</c> or <c>none</c>.</param>
public sealed record LaunchEnvironment(int Rank, int WorldSize, int LocalRank, string MasterAddr, int MasterPort,
    string Launcher)
{
    /// <summary>A single process that no launcher started.</summary>
    public static readonly LaunchEnvironment Single = new(0, 1, 0, "127.0.0.1", 29500, "none");

    /// <summary>Reads the process environment.</summary>
    public static LaunchEnvironment Detect() => Read(Environment.GetEnvironmentVariable);

    /// <summary>
    /// Reads <paramref name="env"/> (a variable's value or null); torchrun's variables win over MPI's.
    /// </summary>
    /// <exception cref="DistributedException">A variable is not an integer, or the rank is outside the
    /// world.</exception>
    public static LaunchEnvironment Read(Func<string, string?> env)
    {
        string addr = env("MASTER_ADDR") ?? "127.0.0.1";
        int port = Int(env, "MASTER_PORT") ?? 29500;
        var (rank, size, local, launcher) =
            env("RANK") is not null || env("WORLD_SIZE") is not null ? (Int(env, "RANK"), Int(env, "WORLD_SIZE"),
                Int(env, "LOCAL_RANK"), "torchrun")
            : env("PMI_RANK") is not null ? (Int(env, "PMI_RANK"), Int(env, "PMI_SIZE"), Int(env, "MPI_LOCALRANKID"),
                "mpi")
            : env("OMPI_COMM_WORLD_RANK") is not null
                ? (Int(env, "OMPI_COMM_WORLD_RANK"), Int(env, "OMPI_COMM_WORLD_SIZE"), Int(env,
                    "OMPI_COMM_WORLD_LOCAL_RANK"), "mpi")
            : (0, 1, 0, "none");
        int r = rank ?? 0, n = size ?? 1;
        if (n < 1 || r < 0 || r >= n)
            throw new DistributedException($"the launch environment says rank {r} of a world of {n}; a rank must be " +
                "in 0..WORLD_SIZE-1");
        return new LaunchEnvironment(r, n, local ?? r, addr, port, launcher);
    }

    private static int? Int(Func<string, string?> env, string name) =>
        env(name) is not { } text ? null
        : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v
        : throw new DistributedException($"environment variable {name}='{text}' is not an integer");
}
