using System.CommandLine;
using ShuffleNet.Analysis;
using ShuffleNet.Checkpoints;
using ShuffleNet.Inference;
using ShuffleNet.Models;
using ShuffleNet.Onnx.Runtime;
using ShuffleNet.Platform;
using ShuffleNet.Serving;
using Spectre.Console;

namespace ShuffleNet.Cli.Commands;

/// <summary>
/// <c>shufflenet benchmark</c>: latency (median, p90) and throughput per batch size, the paper's direct metric. Every
/// case (each backend, each <c>--onnx</c> file) is timed interleaved in one run, so their ratios survive a noisy
/// machine.
/// </summary>
internal static class BenchmarkCommand
{
    public static Command Create()
    {
        var arch = Options.Arch("Width to time with fresh weights (default 1.0x) when no --checkpoint is given.");
        var checkpoint = Options.Checkpoint(onnx: true);
        var onnx = new Option<string[]>("--onnx") { Description = "ONNX file(s) to time in ONNX Runtime (e.g. a " +
            "PyTorch export, to compare with ours).", AllowMultipleArgumentsPerToken = true };
        var backend = Options.BackendList("torch, ort, or both (torch,ort) for the --arch/--checkpoint model; " +
                                          "none with --onnx alone (default torch; ort for an .onnx --checkpoint).");
        var batch = Options.Batch("Comma-separated batch sizes.", [1, 8, 32], several: true);
        var threads = Options.Threads("Threads for each backend.");
        var warmup = Options.Warmup(10, "Untimed calls per case and batch size.");
        var iterations = Options.Iterations(50, "Timed calls per case and batch size.");
        // ONNX Runtime's own default, as a user of its tools (and the peer figures in the ONNX issue) would time a
        // model: the fastest setting when the model has the cores to itself, which is what this command measures
        var spin = new Option<bool>("--spin") { Description = "Let ONNX Runtime's threads spin between ops within a " +
            "call (its own default). --spin false makes them sleep: slower on an idle machine, faster when other " +
            "processes share the cores.", DefaultValueFactory = _ => true };
        var size = new Option<int>("--image-size") { Description = "Input height and width.",
            DefaultValueFactory = _ => 224 };
        var device = Options.Device();
        var json = Options.Json();
        var command = new Command("benchmark", "Time inference per batch size: TorchSharp, our ONNX export in ONNX " +
            "Runtime, or any ONNX file.")
        {
            arch, checkpoint, onnx, backend, batch, threads, warmup, iterations, spin, size, device, json,
        };
        command.SetAction(r => Common.Run(() =>
        {
            var batches = r.GetValue(batch)!;
            int n = r.GetValue(threads), imageSize = r.GetValue(size);
            var onnxFiles = (r.GetValue(onnx) ?? []).ToList();
            var backends = (r.GetValue(backend) ?? []).ToList();
            // an .onnx --checkpoint is timed as an --onnx file: ONNX Runtime runs it as it is
            if (r.GetValue(checkpoint) is { } c0 && Backends.IsOnnx(c0))
            {
                foreach (var b in backends) Backends.Choose(b, c0);
                onnxFiles.Insert(0, c0);
                backends.Clear();
            }
            else if (backends.Count == 0 && onnxFiles.Count == 0) backends.Add(Backend.Torch);

            var cases = new List<(string Name, IInferenceBackend Backend)>();
            try
            {
                var target = Devices.Parse(r.GetValue(device)!);
                bool anyOrt = backends.Contains(Backend.Ort) || onnxFiles.Count > 0;
                if (target.type != TorchSharp.DeviceType.CPU && anyOrt)
                    throw new ArgumentException("the ONNX Runtime cases of this build run on the CPU; time CUDA with " +
                        "--backend torch alone");
                // every ONNX Runtime case on one pool: a pool of its own, spinning after its call, would slow the next
                // case
                if (anyOrt) OrtThreads.ShareOnePool(n, r.GetValue(spin));
                Width? width = null;
                if (backends.Count > 0)
                {
                    var (ckpt, source) = LoadCheckpoint(r.GetValue(checkpoint), r.GetValue(arch));
                    width = LayoutCheck.Validate(ckpt.StateDict, source, r.GetValue(arch)).Width;
                    var name = ShuffleNetV2Layout.Name(width.Value);
                    foreach (var b in backends)
                        cases.Add(b == Backend.Torch
                            ? ($"torch {name}",
                                Backends.Torch(ShuffleNetV2Builder.FromCheckpoint(ckpt, source), imageSize, n, target))
                            : ($"ort (our export) {name}",
                                Backends.OrtExport(ckpt, source, imageSize, n, sharedPool: true)));
                }
                foreach (var f in onnxFiles) cases.Add(($"ort {Path.GetFileName(f)}", Backends.OrtFile(f, imageSize, n,
                    sharedPool: true)));

                var bench = new LatencyBenchmark { Warmup = r.GetValue(warmup), Iterations = r.GetValue(iterations) };
                var results = new List<LatencyResult>();
                foreach (var bs in batches)
                {
                    var input = RandomInput(bs * cases[0].Backend.ImageSize);
                    var outputs = cases.Select(c => new float[bs * c.Backend.NumClasses]).ToArray();
                    results.AddRange(bench.MeasureInterleaved(bs, cases.Select((c, i) => (c.Name,
                        (Action)(() => c.Backend.Run(input, bs, outputs[i])))).ToList()));
                }
                Report(results, width ?? Width.X1_0, imageSize, n, r.GetValue(spin), r.GetValue(json));
            }
            finally
            {
                foreach (var c in cases) c.Backend.Dispose();
            }
            return 0;
        }));
        return command;
    }

    // the file, read once for every case; without one, fresh weights of the width (mmpretrain's init)
    private static (Checkpoint Checkpoint, string Source) LoadCheckpoint(string? nameOrPath, Width? arch)
    {
        if (nameOrPath is not null)
        {
            var path = Common.ResolveCheckpoint(nameOrPath);
            return (CheckpointFile.Load(path), path);
        }
        var width = arch ?? Width.X1_0;
        using var fresh = ShuffleNetV2Builder.Create(width);
        var source = $"fresh {ShuffleNetV2Layout.Name(width)} weights";
        return (Checkpoint.FromStateDict(Weights.ToStateDict(fresh)), source);
    }

    private static float[] RandomInput(int count)
    {
        var rng = new Random(0);
        var x = new float[count];
        for (int i = 0; i < count; i++) x[i] = (float)(rng.NextDouble() * 4 - 2);
        return x;
    }

    private static void Report(List<LatencyResult> results, Width width, int imageSize, int threads, bool spin,
        bool json)
    {
        // 2 FLOPs per multiply-add, the figure peak GFLOP/s are quoted in
        double gflopPerImage = 2.0 * ModelComplexity.Of(width, imageSize).ConvFcMacs / 1e9;
        if (json)
        {
            Common.PrintJson(new { Threads = threads, OrtSpinning = spin, ImageSize = imageSize,
                Allocator = Allocator.Mode, GflopPerImage = gflopPerImage, Results = results });
            return;
        }
        var table = new Table().AddColumns("case", "batch", "median ms", "p90 ms", "min ms", "img/s", "GFLOP/s");
        foreach (var x in results)
            table.AddRow(Markup.Escape(x.Name), x.Batch.ToString(), $"{x.MedianMs:F2}", $"{x.P90Ms:F2}",
                $"{x.MinMs:F2}", $"{x.ImagesPerSecond:F0}", $"{x.ImagesPerSecond * gflopPerImage:F0}");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"{threads} threads (ONNX Runtime spinning {(spin ? "on" : "off")}), " +
            $"{imageSize}x{imageSize}, allocator: {Markup.Escape(Allocator.Mode)}; GFLOP/s counts {gflopPerImage:F3} " +
            $"GFLOP per image ({ShuffleNetV2Layout.Name(width)} conv+fc, 2 per multiply-add)");
    }
}
