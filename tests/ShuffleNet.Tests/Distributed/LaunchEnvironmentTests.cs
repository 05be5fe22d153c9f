using ShuffleNet.Distributed;

namespace ShuffleNet.Tests.Distributed;

public class LaunchEnvironmentTests
{
    private static LaunchEnvironment Read(params (string Name, string Value)[] vars) =>
        LaunchEnvironment.Read(n => vars.FirstOrDefault(v => v.Name == n).Value);

    [Fact]
    public void Torchrun_variables_give_rank_world_local_rank_and_master() =>
        Assert.Equal(new LaunchEnvironment(3, 4, 1, "10.0.0.2", 29600, "torchrun"),
            Read(("RANK", "3"), ("WORLD_SIZE", "4"), ("LOCAL_RANK", "1"), ("MASTER_ADDR", "10.0.0.2"), ("MASTER_PORT",
                "29600"), ("PMI_RANK", "0")));

    [Fact]
    public void Mpich_and_open_mpi_variables_are_read_when_torchruns_are_absent()
    {
        Assert.Equal((1, 2, "mpi"), Read(("PMI_RANK", "1"), ("PMI_SIZE", "2")) is var m ? (m.Rank, m.WorldSize,
            m.Launcher) : default);
        Assert.Equal((2, 3, 0), Read(("OMPI_COMM_WORLD_RANK", "2"), ("OMPI_COMM_WORLD_SIZE", "3"),
            ("OMPI_COMM_WORLD_LOCAL_RANK", "0")) is var o
            ? (o.Rank, o.WorldSize, o.LocalRank) : default);
    }

    [Fact]
    public void No_launcher_is_a_world_of_one() => Assert.Equal(LaunchEnvironment.Single, Read());

    [Fact]
    public void A_rank_outside_the_world_is_an_error() =>
        Assert.Contains("0..WORLD_SIZE-1", Assert.Throws<DistributedException>(() => Read(("RANK", "2"), ("WORLD_SIZE",
            "2"))).Message);

    [Fact]
    public void The_mpi_backend_under_torchrun_says_to_use_mpiexec() =>
        Assert.Contains("mpiexec", Assert.Throws<DistributedException>(() =>
            ProcessGroups.Create(Read(("RANK", "0"), ("WORLD_SIZE", "2")), "mpi", TimeSpan.FromSeconds(1))).Message);
}
