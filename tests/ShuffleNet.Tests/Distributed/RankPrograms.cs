using ShuffleNet.Distributed;
using ShuffleNet.Tests.Training;
using ShuffleNet.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace ShuffleNet.Tests.Distributed;

/// <summary>
/// What each rank runs when a test starts the test assembly under mpiexec (<see cref="MpiRun"/>): the test project
/// cannot have a Main of its own (the test SDK generates one), so the ranks enter through a .NET startup hook
/// (<c>DOTNET_STARTUP_HOOKS</c>, see the global <c>StartupHook</c> below) that runs the program named by
/// <see cref="RoleVariable"/> and exits.
/// </summary>
internal static class RankPrograms
{
    public const string RoleVariable = "SHUFFLENET_TEST_RANK_MAIN", OutVariable = "SHUFFLENET_TEST_OUT";
    public const int Steps = 6, RankBatch = 4;

    public static int Run(string role, string outDir)
    {
        var launch = LaunchEnvironment.Detect();
        using var group = ProcessGroups.Create(launch, "mpi", TimeSpan.FromSeconds(role == "hang" ? 3 : 120));
        switch (role)
        {
            case "gradsync":
                File.WriteAllBytes(Path.Combine(outDir, $"rank{group.Rank}.bin"), ToBytes(TrainFloat64(group)));
                break;
            case "hang":
                // never joins: rank 0's watchdog must fire
                if (group.Rank == 1) Thread.Sleep(TimeSpan.FromSeconds(60));
                group.Barrier();
                break;
            case "trainer":
                torch.set_num_threads(1);
                new Trainer(TinyRun.Config("schedule.epochs=1", "run.threads=1"), outDir, TinyRun.Data(),
                    TinyRun.Data(train: false), null, group).Run();
                break;
            case "resume":   // a world of one (mpiexec -n 1) resuming the 2-rank run's checkpoint
                var notes = new TinyRun.Recorder();
                var r = new Trainer(TinyRun.Config("schedule.epochs=2", "run.threads=1"), Path.Combine(outDir,
                    "resumed"), TinyRun.Data(), null, notes, group)
                    .Run(Path.Combine(outDir, "latest.pth"));
                File.WriteAllLines(Path.Combine(outDir, "resume.txt"), [.. notes.Notes, $"iter {r.Position.Iter}",
                    $"steps {notes.Losses.Count}"]);
                break;
            default: throw new ArgumentException($"unknown rank program '{role}'");
        }
        return 0;
    }

    /// <summary>
    /// Float64 SGD (momentum, weight decay) on a BN-free MLP, <see cref="Steps"/> steps over global batches of
    /// <c>world x RankBatch</c> fixed rows that the sampler deals out; ranks start from different weights that the
    /// broadcast must equalise. Returns the final parameters, flattened.
    /// </summary>
    public static double[] TrainFloat64(IProcessGroup group, int globalBatch = 2 * RankBatch)
    {
        using var model = new Mlp(new Random(100 + group.Rank));
        using var sgd = new Sgd(ParamGroups.Split(model, 1e-3, 0), momentum: 0.9) { Lr = 0.1 };
        DataParallel.BroadcastState(model, group);
        var all = sgd.Groups.SelectMany(g => g.Parameters).Cast<Tensor>().ToList();
        var mine = DistributedSampler.Indices([.. Enumerable.Range(0, globalBatch)], group.Rank, group.WorldSize,
            dropLast: false);
        for (int step = 0; step < Steps; step++)
        {
            using var scope = NewDisposeScope();
            var rng = new Random(step);
            var x = tensor(Enumerable.Range(0, globalBatch * 6).Select(_ => rng.NextDouble() * 2 - 1).ToArray(),
                [globalBatch, 6], ScalarType.Float64);
            var y = tensor(Enumerable.Range(0, globalBatch).Select(_ => (long)rng.Next(3)).ToArray());
            using var index = tensor(mine.Select(i => (long)i).ToArray());
            var loss = nn.functional.cross_entropy(model.call(x.index_select(0, index)), y.index_select(0, index));
            model.zero_grad();
            loss.backward();
            DataParallel.AverageGradients(all, group);
            sgd.Step();
        }
        return [.. all.SelectMany(p => p.detach().flatten().data<double>().ToArray())];
    }

    private static byte[] ToBytes(double[] values) =>
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    public static double[] FromBytes(byte[] bytes) =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(bytes).ToArray();

    /// <summary>
    /// 6 → 8 (tanh) → 3, initialised from a <see cref="Random"/>: not from torch's global generator, which tests
    /// running in parallel share.
    /// </summary>
    private sealed class Mlp : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Parameter fc1_weight, fc1_bias, fc2_weight, fc2_bias;

        public Mlp(Random rng) : base("mlp")
        {
            TorchSharp.Modules.Parameter P(params long[] shape) =>
                new(tensor(Enumerable.Range(0, (int)shape.Aggregate(1L, (a, b) => a * b))
                    .Select(_ => rng.NextDouble() - 0.5).ToArray(), shape, ScalarType.Float64));
            (fc1_weight, fc1_bias, fc2_weight, fc2_bias) = (P(8, 6), P(8), P(3, 8), P(3));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => nn.functional.linear(nn.functional.linear(x, fc1_weight, fc1_bias)
            .tanh(), fc2_weight, fc2_bias);
    }
}
