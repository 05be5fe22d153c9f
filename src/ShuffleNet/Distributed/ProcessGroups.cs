namespace ShuffleNet.Distributed;

/// <summary>Picks and starts the process group for a launch.</summary>
public static class ProcessGroups
{
    /// <summary>
    /// A world of one for a single process; otherwise <c>mpi</c> (CPU, needs an MPI launcher: <c>mpiexec</c>) or
    /// <c>nccl</c> (GPU, torchrun's variables); <c>auto</c> takes MPI when MPI started the ranks and NCCL when torchrun
    /// did. Every collective is guarded by a <see cref="WatchdogProcessGroup"/> of <paramref name="timeout"/>.
    /// </summary>
    /// <exception cref="DistributedException">An unknown backend, or one that cannot work with this
    /// launcher.</exception>
    public static IProcessGroup Create(LaunchEnvironment launch, string backend, TimeSpan timeout)
    {
        if (launch.WorldSize == 1) return SingleProcessGroup.Instance;
        string chosen = backend == "auto" ? (launch.Launcher == "mpi" ? "mpi" : "nccl") : backend;
        IProcessGroup group = chosen switch
        {
            "mpi" when launch.Launcher != "mpi" => throw new DistributedException(
                $"the MPI backend needs ranks started by mpiexec, not {launch.Launcher}; use 'shufflenet train " +
                    "--nproc-per-node N' or mpiexec -n N"),
            "mpi" => new MpiProcessGroup(),
            "nccl" => new NcclProcessGroup(launch, timeout),
            _ => throw new DistributedException($"dist.backend '{backend}' is not known; use auto, mpi or nccl"),
        };
        if (group.Rank != launch.Rank || group.WorldSize != launch.WorldSize)
            throw new DistributedException($"{chosen} says rank {group.Rank} of {group.WorldSize} but the launcher " +
                $"said {launch.Rank} of {launch.WorldSize}");
        return new WatchdogProcessGroup(group, timeout);
    }
}
