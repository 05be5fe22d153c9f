using ShuffleNet.Checkpoints;
using ShuffleNet.Distributed;

namespace ShuffleNet.Tests.Distributed;

public class DataParallelTests
{
    [Fact]
    public void Two_mpi_ranks_of_batch_b_end_with_the_parameters_of_one_process_of_batch_2b()
    {
        var (code, output, dir) = MpiRun.Start(2, "gradsync");
        Assert.True(code == 0, output);
        var rank0 = RankPrograms.FromBytes(File.ReadAllBytes(Path.Combine(dir, "rank0.bin")));
        var rank1 = RankPrograms.FromBytes(File.ReadAllBytes(Path.Combine(dir, "rank1.bin")));
        var single = RankPrograms.TrainFloat64(SingleProcessGroup.Instance);
        Assert.Equal(single.Length, rank0.Length);
        Assert.Equal(rank0, rank1);   // same all-reduced gradients, same updates: bit-identical
        Assert.True(single.Zip(rank0).Max(p => Math.Abs(p.First - p.Second)) < 1e-10,
            $"max difference {single.Zip(rank0).Max(p => Math.Abs(p.First - p.Second))}");
    }

    [Fact]
    public void A_rank_left_waiting_in_a_collective_exits_non_zero_naming_itself()
    {
        var (code, output, _) = MpiRun.Start(2, "hang", timeoutSeconds: 60);
        Assert.NotEqual(0, code);
        Assert.Contains("rank 0 of 2: barrier did not complete within 3 s", output);
    }

    [Fact]
    public void Two_ranks_train_the_tiny_model_and_only_rank_0_writes_log_and_checkpoints()
    {
        var (code, output, dir) = MpiRun.Start(2, "trainer", timeoutSeconds: 180);
        Assert.True(code == 0, output);
        var ckpt = CheckpointFile.Load(Path.Combine(dir, "latest.pth"));
        Assert.Equal(2L, ckpt.Meta["world_size"]);
        Assert.Equal(4L, ckpt.Meta["iters_per_epoch"]);   // 8 batches of 8 dealt to 2 ranks
        Assert.Single(File.ReadAllLines(Path.Combine(dir, "log.json")), l => l.Contains("\"val\"",
            StringComparison.Ordinal));

        // resumed by one process: the epoch done on 2 ranks (4 iterations) is the 8 iterations of a world of one
        // (in a process of its own: trainers seed torch's global generator, which the other test classes share)
        (code, output, _) = MpiRun.Start(1, "resume", outDir: dir);
        Assert.True(code == 0, output);
        var lines = File.ReadAllLines(Path.Combine(dir, "resume.txt"));
        Assert.Contains(lines, n => n.Contains("at epoch 1, iteration 8", StringComparison.Ordinal));
        Assert.Equal(["iter 16", "steps 8"], lines[^2..]);
    }
}
