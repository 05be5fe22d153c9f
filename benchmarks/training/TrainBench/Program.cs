// Training throughput of ShuffleNet V2 1.0x in TorchSharp, the same step as train_step_pytorch.py and as
// ShuffleNet.Training.Trainer: forward, cross-entropy, zero_grad, backward, SGD (momentum 0.9, wd 4e-5 on conv/fc,
// none on BatchNorm) on a fixed random batch, one dispose scope per step.
// Usage: dotnet TrainBench.dll [batch=32] [steps=20] [warmup=3] [fp32|bf16] [imagenet|fashion] [device=cpu] [nchw|cl]
// bf16: model, batch and optimizer in bfloat16 (the most bf16 can gain: no fp32 master weights, no casts);
// fashion: the Fashion-MNIST full config's net (1.0x, 1-channel stride-1 stem without max-pool, 28x28, 10 classes);
// cl: the batch in channels-last layout (NHWC strides; convolutions then pick the NHWC kernels on CUDA).
// dotnet TrainBench.dll nccl: a one-rank NCCL communicator (the GPU path of ShuffleNet.Distributed), checked.
using System.Diagnostics;
using ShuffleNet.Checkpoints;
using ShuffleNet.Distributed;
using ShuffleNet.Models;
using ShuffleNet.Platform;
using ShuffleNet.Training;
using TorchSharp;
using static TorchSharp.torch;

if (args.Length > 0 && args[0] == "nccl") return NcclCheck.Run();
int batch = args.Length > 0 ? int.Parse(args[0]) : 32, steps = args.Length > 1 ? int.Parse(args[1]) : 20;
int warmup = args.Length > 2 ? int.Parse(args[2]) : 3;
bool bf16 = args.Length > 3 && args[3] == "bf16", fashion = args.Length > 4 && args[4] == "fashion";
var device = Devices.Parse(args.Length > 5 ? args[5] : "cpu");
bool channelsLast = args.Length > 6 && args[6] == "cl";
bool cuda = device.type == DeviceType.CUDA;
torch.set_num_threads(2);
torch.manual_seed(0);
var dtype = bf16 ? ScalarType.BFloat16 : ScalarType.Float32;
int classes = fashion ? 10 : 1000, side = fashion ? 28 : 224;
using var model = fashion
    ? ShuffleNetV2Builder.Create(Width.X1_0, classes, new StemOptions(1, 1, false))
    : ShuffleNetV2Builder.Create(Width.X1_0, classes);
model.to(dtype).to(device);
model.train();
using var sgd = new Sgd(ParamGroups.Split(model, 4e-5, 0), 0.9) { Lr = 0.01 };
using var x0 = randn(batch, fashion ? 1 : 3, side, side).to(dtype).to(device);
using var x = channelsLast ? x0.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2) : x0.alias();
using var y = randint(0, classes, [batch]).to(device);

void Step()
{
    using var scope = NewDisposeScope();
    var loss = nn.functional.cross_entropy(model.call(x), y);
    loss.to(ScalarType.Float32).item<float>();   // waits for the step, as PyTorch's loss.item() does
    model.zero_grad();
    loss.backward();
    sgd.Step();
}

for (int i = 0; i < warmup; i++) Step();
if (cuda) torch.cuda.synchronize();
var times = new List<double>();
for (int i = 0; i < steps; i++)
{
    var t = Stopwatch.StartNew();
    Step();
    if (cuda) torch.cuda.synchronize();
    times.Add(t.Elapsed.TotalSeconds);
}
times.Sort();
Console.WriteLine($"torchsharp 0.107 {(bf16 ? "bf16" : "fp32")}{(channelsLast ? " channels-last" : "")} " +
                  $"{(fashion ? "fashion 28x28" : "224x224")} on {device} (allocator: {Allocator.Mode}): " +
                  $"batch {batch}, {steps} steps: median {batch / times[steps / 2]:F1} img/s, " +
                  $"best {batch / times[0]:F1} img/s, mean {batch * steps / times.Sum():F1} img/s");
return 0;

// NCCL with one rank (two ranks need two GPUs: NCCL refuses two ranks on one device): the communicator starts through
// the TCP rendezvous, and all-reduce, broadcast and barrier leave a CUDA tensor as a world of one must.
static class NcclCheck
{
    public static int Run()
    {
        var launch = new LaunchEnvironment(0, 1, 0, "127.0.0.1", 29517, "torchrun");
        using var group = new NcclProcessGroup(launch, TimeSpan.FromSeconds(60));
        using var t = arange(0, 1_000_000, dtype: ScalarType.Float32, device: CUDA);
        using var expected = t.clone();
        group.AllReduceSum(t);
        bool reduce = t.equal(expected).item<bool>();
        using var d = arange(0, 1000, dtype: ScalarType.Float64, device: CUDA);
        group.AllReduceSum(d);
        group.Broadcast(t, 0);
        bool broadcast = t.equal(expected).item<bool>();
        group.Barrier();
        Console.WriteLine($"nccl one rank: all-reduce float32 1M {(reduce ? "ok" : "WRONG")}, float64 ok, " +
                          $"broadcast {(broadcast ? "ok" : "WRONG")}, barrier ok");
        return reduce && broadcast ? 0 : 1;
    }
}
