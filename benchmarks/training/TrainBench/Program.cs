// Training throughput of ShuffleNet V2 1.0x in TorchSharp, the same step as train_step_pytorch.py and as
// ShuffleNet.Training.Trainer: forward, cross-entropy, zero_grad, backward, SGD (momentum 0.9, wd 4e-5 on conv/fc,
// none on BatchNorm) on a fixed random batch, one dispose scope per step.
// Usage: dotnet TrainBench.dll [batch=32] [steps=20] [warmup=3]
using System.Diagnostics;
using ShuffleNet.Checkpoints;
using ShuffleNet.Models;
using ShuffleNet.Platform;
using ShuffleNet.Training;
using TorchSharp;
using static TorchSharp.torch;

int batch = args.Length > 0 ? int.Parse(args[0]) : 32, steps = args.Length > 1 ? int.Parse(args[1]) : 20, warmup = args.Length > 2 ? int.Parse(args[2]) : 3;
torch.set_num_threads(2);
torch.manual_seed(0);
using var model = ShuffleNetV2Builder.Create(Width.X1_0, 1000);
model.train();
using var sgd = new Sgd(ParamGroups.Split(model, 4e-5, 0), 0.9) { Lr = 0.01 };
using var x = randn(batch, 3, 224, 224);
using var y = randint(0, 1000, [batch]);

void Step()
{
    using var scope = NewDisposeScope();
    var loss = nn.functional.cross_entropy(model.call(x), y);
    loss.item<float>();
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
Console.WriteLine($"torchsharp 0.107 (allocator: {Allocator.Mode}): batch {batch}, {steps} steps: median {batch / times[steps / 2]:F1} img/s, " +
                  $"best {batch / times[0]:F1} img/s, mean {batch * steps / times.Sum():F1} img/s");
