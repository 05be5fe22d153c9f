// Training throughput of ShuffleNet V2 1.0x in TorchSharp, the same step as train_step_pytorch.py and as
// ShuffleNet.Training.Trainer: forward, cross-entropy, zero_grad, backward, SGD (momentum 0.9, wd 4e-5 on conv/fc,
// none on BatchNorm) on a fixed random batch, one dispose scope per step.
// Usage: dotnet TrainBench.dll [batch=32] [steps=20] [warmup=3] [fp32|bf16] [imagenet|fashion]
// bf16: model, batch and optimizer in bfloat16 (the most bf16 can gain: no fp32 master weights, no casts);
// fashion: the Fashion-MNIST full config's net (1.0x, 1-channel stride-1 stem without max-pool, 28x28, 10 classes).
using System.Diagnostics;
using ShuffleNet.Checkpoints;
using ShuffleNet.Models;
using ShuffleNet.Platform;
using ShuffleNet.Training;
using TorchSharp;
using static TorchSharp.torch;

int batch = args.Length > 0 ? int.Parse(args[0]) : 32, steps = args.Length > 1 ? int.Parse(args[1]) : 20, warmup = args.Length > 2 ? int.Parse(args[2]) : 3;
bool bf16 = args.Length > 3 && args[3] == "bf16", fashion = args.Length > 4 && args[4] == "fashion";
torch.set_num_threads(2);
torch.manual_seed(0);
var dtype = bf16 ? ScalarType.BFloat16 : ScalarType.Float32;
int classes = fashion ? 10 : 1000, side = fashion ? 28 : 224;
using var model = fashion
    ? ShuffleNetV2Builder.Create(Width.X1_0, classes, new StemOptions(1, 1, false))
    : ShuffleNetV2Builder.Create(Width.X1_0, classes);
model.to(dtype);
model.train();
using var sgd = new Sgd(ParamGroups.Split(model, 4e-5, 0), 0.9) { Lr = 0.01 };
using var x = randn(batch, fashion ? 1 : 3, side, side).to(dtype);
using var y = randint(0, classes, [batch]);

void Step()
{
    using var scope = NewDisposeScope();
    var loss = nn.functional.cross_entropy(model.call(x), y);
    loss.to(ScalarType.Float32).item<float>();
    model.zero_grad();
    loss.backward();
    sgd.Step();
}

for (int i = 0; i < warmup; i++) Step();
var times = new List<double>();
for (int i = 0; i < steps; i++)
{
    var t = Stopwatch.StartNew();
    Step();
    times.Add(t.Elapsed.TotalSeconds);
}
times.Sort();
Console.WriteLine($"torchsharp 0.107 {(bf16 ? "bf16" : "fp32")} {(fashion ? "fashion 28x28" : "224x224")} (allocator: {Allocator.Mode}): batch {batch}, {steps} steps: median {batch / times[steps / 2]:F1} img/s, " +
                  $"best {batch / times[0]:F1} img/s, mean {batch * steps / times.Sum():F1} img/s");
