// Times int8 QDQ variants of ShuffleNet V2 (QuantizedExporter) against our fp32 export, interleaved call by call
// on one shared ONNX Runtime pool. Usage (from the repository root):
//   dotnet build -c Release benchmarks/int8
//   dotnet benchmarks/int8/bin/Release/net10.0/linux-x64/Int8Bench.dll [--checkpoint F] [--threads 2] [--batches 1,32]
//       [--iterations 400] [--variants int8,stem-fp32,...] [--spin 1|0] [--out DIR] [--extra name=model.onnx]
// Calibration: random resized crops of the reference photos (--images DIR, --calibration N).
using System.Globalization;
using ShuffleNet.Checkpoints;
using ShuffleNet.Onnx.Export;
using ShuffleNet.Onnx.Quantization;
using ShuffleNet.Onnx.Runtime;
using ShuffleNet.Vision.Decoding;
using ShuffleNet.Vision.Transforms;

var opts = Args.Parse(args);
string checkpoint = opts.Get("checkpoint", "tests/reference/mmcls_1.0.pth");
string imagesDir = opts.Get("images", "tests/reference/images");
int threads = Int(opts.Get("threads", "2"));
int iterations = Int(opts.Get("iterations", "400"));
int calibrationImages = Int(opts.Get("calibration", "32"));
var batches = opts.Get("batches", "1,32").Split(',').Select(Int).ToArray();
var variantNames = opts.Get("variants", "int8").Split(',', StringSplitOptions.RemoveEmptyEntries)
    .Where(v => v != "none").ToArray();   // none: only the fp32 export and the --extra models
OrtThreads.ShareOnePool(threads, opts.Get("spin", "1") == "1");
var ortOptions = new OrtOptions { SharedThreadPool = true };

var known = new Dictionary<string, QuantizeOptions>
{
    ["int8"] = new(),
    ["relu-explicit"] = new() { FoldRelu = false },
    ["float-split-concat"] = new() { IntegerSplitConcat = false },
    ["stem-fp32"] = new() { KeepStemFp32 = true },
    ["head-fp32"] = new() { KeepHeadFp32 = true },
    ["stem-head-fp32"] = new() { KeepStemFp32 = true, KeepHeadFp32 = true },
    ["per-tensor"] = new() { PerChannel = false },
    ["s8"] = new() { Activations = QuantType.Int8 },
    ["percentile"] = new() { Method = CalibrationMethod.Percentile },
    ["split-by-convs"] = new() { SplitByConvs = true },
    ["stem-gemm"] = new() { StemGemm = true },
};

if (opts.Has("ceiling"))
{
    Ceiling.Run(opts.Get("ceiling", ""), Int(opts.Get("ceiling-batch", "8")), iterations);
    return;
}

var ckpt = CheckpointFile.Load(checkpoint);
var outDir = opts.Has("out") ? Directory.CreateDirectory(opts.Get("out", "")).FullName
    : Directory.CreateTempSubdirectory("int8bench").FullName;
var fp32 = Path.Combine(outDir, "fp32.onnx");
OnnxExporter.Export(ckpt, checkpoint, fp32);
var models = new List<(string Name, string Path)> { ("fp32", fp32) };

var pipeline = Presets.ImageNetTrain(regionDecode: false);
var photos = Directory.GetFiles(imagesDir).Order().Select(f => ImageDecoder.Default.Decode(f)).ToList();
var rng = new Random(0);
var calibration = new float[calibrationImages * pipeline.SampleSize];
for (int i = 0; i < calibrationImages; i++)
    pipeline.Run(photos[i % photos.Count].Clone(), rng, calibration.AsSpan(i * pipeline.SampleSize,
        pipeline.SampleSize));
var calBatches = Enumerable.Range(0, (calibrationImages + 7) / 8).Select(b =>
{
    int n = Math.Min(8, calibrationImages - b * 8);
    return new ImageBatch(calibration.AsSpan(b * 8 * pipeline.SampleSize, n * pipeline.SampleSize).ToArray(), n);
}).ToList();

foreach (var name in variantNames)
{
    var o = known[name];
    var clock = System.Diagnostics.Stopwatch.StartNew();
    var graph = QuantizedExporter.CalibrationModel(ckpt.StateDict, o);
    Dictionary<string, ActivationRange> ranges;
    using (var calibrator = new Calibrator(graph, new OrtOptions { Threads = threads }))
        ranges = calibrator.Calibrate(calBatches, o.Method, o.Percentile);
    var path = Path.Combine(outDir, $"{name}.onnx");
    QuantizedExporter.Export(ckpt.StateDict, ranges, path, o);
    Console.WriteLine($"{name}: calibrated on {calibrationImages} images and written in {clock.ElapsedMilliseconds} " +
        $"ms ({new FileInfo(path).Length:N0} bytes)");
    models.Add((name, path));
}
foreach (var extra in opts.All("extra")) models.Add((extra.Split('=')[0], extra.Split('=')[1]));
if (opts.Has("dump"))
{
    // ONNX Runtime's graph after its optimisations (QDQ fusion, NHWC), for reading with onnx's Python API
    foreach (var (name, path) in models)
    {
        using var so = new Microsoft.ML.OnnxRuntime.SessionOptions
        {
            GraphOptimizationLevel = Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_ENABLE_ALL,
            OptimizedModelFilePath = Path.Combine(outDir, $"{name}.optimized.onnx"),
        };
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(path, so);
    }
}
if (opts.Has("profile"))
{
    foreach (var (name, path) in models) Profile.Run(name, path, outDir, batches, threads, calibration,
        pipeline.SampleSize);
    return;
}
// int8 activations need ONNX Runtime's session option to fuse on x86 (QDQIsInt8Allowed is false there)
var sessions = models.Select(m => (m.Name, Classifier: m.Name == "s8"
    ? (IModel)new Int8AllowedModel(m.Path) : new OrtModel(OrtClassifier.Open(m.Path, ortOptions)))).ToList();
using var peer = opts.Has("pytorch") ? PyTorchPeer.Start(opts.Get("pytorch", ""), calibration, outDir, threads) : null;

// top-1 agreement with fp32 on held-out crops: the same photos, another seed than the calibration crops
int heldOutImages = Int(opts.Get("held-out", "256"));
if (heldOutImages > 0)
{
    var heldRng = new Random(1);
    var heldOut = new float[heldOutImages * pipeline.SampleSize];
    for (int i = 0; i < heldOutImages; i++)
        pipeline.Run(photos[i % photos.Count].Clone(), heldRng, heldOut.AsSpan(i * pipeline.SampleSize,
            pipeline.SampleSize));
    var top1 = sessions.Select(s => new int[heldOutImages]).ToArray();
    for (int start = 0; start < heldOutImages; start += 32)
    {
        int n = Math.Min(32, heldOutImages - start);
        var chunk = heldOut.AsSpan(start * pipeline.SampleSize, n * pipeline.SampleSize).ToArray();
        for (int s = 0; s < sessions.Count; s++)
        {
            int classes = sessions[s].Classifier.NumClasses;
            var logits = new float[n * classes];
            sessions[s].Classifier.Run(chunk, n, logits);
            for (int i = 0; i < n; i++) top1[s][start + i] = ArgMax(logits.AsSpan(i * classes, classes));
        }
    }
    for (int s = 1; s < sessions.Count; s++)
        Console.WriteLine($"{sessions[s].Name}: top-1 agrees with fp32 on " +
            $"{top1[s].Zip(top1[0]).Count(p => p.First == p.Second)}" +
                          $"/{heldOutImages} held-out crops");
}

var results = new List<LatencyResult>();
foreach (var batch in batches)
{
    var input = new float[batch * sessions[0].Classifier.ImageSize];
    for (int i = 0; i < batch; i++)
        calibration.AsSpan((i % calibrationImages) * pipeline.SampleSize, pipeline.SampleSize)
            .CopyTo(input.AsSpan(i * pipeline.SampleSize));
    var logits = sessions.Select(s => new float[batch * s.Classifier.NumClasses]).ToArray();
    for (int s = 0; s < sessions.Count; s++) sessions[s].Classifier.Run(input, batch, logits[s]);
    for (int s = 1; s < sessions.Count; s++)
    {
        int agree = Enumerable.Range(0, batch).Count(i => ArgMax(logits[0].AsSpan(i * 1000,
            1000)) == ArgMax(logits[s].AsSpan(i * 1000, 1000)));
        double diff = logits[0].Zip(logits[s], (a, b) => Math.Abs(a - b)).Max();
        Console.WriteLine($"batch {batch}: {sessions[s].Name}: top-1 agrees with fp32 on {agree}/{batch}, max |logit " +
            $"diff| {diff:F3}");
    }
    var bench = new LatencyBenchmark { Warmup = 10, Iterations = batch == 1 ? iterations : Math.Max(20, iterations / 8),
        PerRound = 1 };
    var cases = sessions.Select((s, i) => (s.Name, (Action)(() => s.Classifier.Run(input, batch, logits[i])))).ToList();
    var peerMs = new List<double>();
    if (peer is not null) cases.Add(("pytorch-int8", () => peerMs.Add(peer.Call(batch))));
    var measured = bench.MeasureInterleaved(batch, cases).ToList();
    // the peer's figures are its own perf_counter times of the forward pass, without the pipe and the pauses
    if (peer is not null) measured[^1] = LatencyBenchmark.Summarise("pytorch-int8", batch, peerMs.Skip(bench.Warmup)
        .ToList());
    results.AddRange(measured);
}

Console.WriteLine($"{Environment.ProcessorCount} cores, one shared pool of {threads} threads, load " +
    $"{File.ReadAllText("/proc/loadavg").Trim()}");
Console.WriteLine("| model | batch | median ms | p90 ms | min ms | img/s | vs fp32 |");
Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
foreach (var r in results)
{
    var f = results.First(x => x.Batch == r.Batch && x.Name == "fp32");
    Console.WriteLine($"| {r.Name} | {r.Batch} | {r.MedianMs:F3} | {r.P90Ms:F3} | {r.MinMs:F3} | " +
        $"{r.ImagesPerSecond:F0} | {f.MedianMs / r.MedianMs:F2}x |");
}
foreach (var s in sessions) s.Classifier.Dispose();
if (!opts.Has("out")) Directory.Delete(outDir, recursive: true);

static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);

static int ArgMax(ReadOnlySpan<float> v)
{
    int best = 0;
    for (int i = 1; i < v.Length; i++) if (v[i] > v[best]) best = i;
    return best;
}

internal interface IModel : IDisposable
{
    int ImageSize { get; }
    int NumClasses { get; }
    void Run(float[] input, int batch, float[] logits);
}

internal sealed class OrtModel(OrtClassifier c) : IModel
{
    public int ImageSize => c.ImageSize;
    public int NumClasses => c.NumClasses;
    public void Run(float[] input, int batch, float[] logits) => c.Run(input, batch, logits);
    public void Dispose() => c.Dispose();
}

internal sealed class Int8AllowedModel : IModel
{
    private readonly Microsoft.ML.OnnxRuntime.InferenceSession _session;
    private readonly Microsoft.ML.OnnxRuntime.RunOptions _run = new();

    public Int8AllowedModel(string path)
    {
        using var so = new Microsoft.ML.OnnxRuntime.SessionOptions
        {
            GraphOptimizationLevel = Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        so.DisablePerSessionThreads();
        so.AddSessionConfigEntry("session.qdqisint8allowed", "1");
        _session = new Microsoft.ML.OnnxRuntime.InferenceSession(path, so);
        NumClasses = (int)_session.OutputMetadata["logits"].Dimensions[1];
    }

    public int ImageSize => 3 * 224 * 224;
    public int NumClasses { get; }

    public void Run(float[] input, int batch, float[] logits)
    {
        using var value = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(input, [batch, 3, 224, 224]);
        using var output = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(logits, [batch, NumClasses]);
        _session.Run(_run, ["input"], [value], ["logits"], [output]);
    }

    public void Dispose()
    {
        _run.Dispose();
        _session.Dispose();
    }
}

// ONNX Runtime's profiler: kernel time per operator type, summed over 20 calls per batch size
internal static class Profile
{
    // "depthwise" or "dense", kernel size, output shape (batch left out)
    private static string Kind(System.Text.Json.JsonElement e)
    {
        var args = e.GetProperty("args");
        if (!args.TryGetProperty("input_type_shape", out var inputs) || !args.TryGetProperty("output_type_shape",
            out var outputs)) return "";
        var shapes = inputs.EnumerateArray().Select(i => i.EnumerateObject().First().Value.EnumerateArray()
            .Select(d => d.GetInt64()).ToArray()).ToList();
        var output = outputs[0].EnumerateObject().First().Value.EnumerateArray().Select(d => d.GetInt64()).Skip(1);
        var w = shapes.FirstOrDefault(s => s.Length == 4 && s[0] > 1 && (s[1] == 1 || s[2] == s[3]) && s[2] <= 3
            && s != shapes[0]) ?? [];
        string kind = w.Length == 4 ? (w[1] == 1 ? "depthwise" : "dense") + $" {w[2]}x{w[3]}" : "?";
        return $"{kind} -> [{string.Join(",", output)}]";
    }

    public static void Run(string name, string path, string dir, int[] batches, int threads, float[] images,
        int sampleSize)
    {
        foreach (var batch in batches)
        {
            using var so = new Microsoft.ML.OnnxRuntime.SessionOptions
            {
                GraphOptimizationLevel = Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_ENABLE_ALL,
                IntraOpNumThreads = threads,
                InterOpNumThreads = 1,
            };
            // before enabling: ORT takes the prefix then
            so.ProfileOutputPathPrefix = Path.Combine(dir, $"profile_{name}_{batch}");
            so.EnableProfiling = true;
            using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(path, so);
            using var probe = new Microsoft.ML.OnnxRuntime.InferenceSession(path);
            var dims = probe.InputMetadata["input"].Dimensions;   // [N, C, H, W]: 3x224x224, or 1x28x28 (Fashion-MNIST)
            long[] shape = [batch, dims[1], dims[2], dims[3]];
            int size = (int)(dims[1] * dims[2] * dims[3]);
            var input = new float[batch * size];
            // the photos' crops where the model takes them, else a ramp (timing does not depend on the values much)
            for (int i = 0; i < input.Length; i++) input[i] = size == sampleSize ? images[i % images.Length]
                : (i % 255) / 64f - 2;
            using var value = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(input, shape);
            using var run = new Microsoft.ML.OnnxRuntime.RunOptions();
            for (int i = 0; i < 5; i++) { using var r = session.Run(run, ["input"], [value], ["logits"]); }
            var file = session.EndProfiling();
            // the profile holds warm-up calls too: start again after them
            using var timed = new Microsoft.ML.OnnxRuntime.InferenceSession(path, so);
            for (int i = 0; i < 25; i++) { using var r = timed.Run(run, ["input"], [value], ["logits"]); }
            file = timed.EndProfiling();
            var events = System.Text.Json.JsonDocument.Parse(File.ReadAllText(file)).RootElement.EnumerateArray()
                .Where(e => e.GetProperty("cat").GetString() == "Node" && e.GetProperty("name")
                    .GetString()!.EndsWith("_kernel_time", StringComparison.Ordinal))
                .Select(e => (Op: e.GetProperty("args").GetProperty("op_name").GetString()!, Us: e.GetProperty("dur")
                    .GetDouble(), Kind: Kind(e))).ToList();
            double total = events.Sum(e => e.Us);
            Console.WriteLine($"{name} batch {batch}: kernel time per call {total / 25 / 1000:F2} ms (25 calls, " +
                "first 5 of them warm-up)");
            foreach (var g in events.GroupBy(e => e.Op).OrderByDescending(g => g.Sum(e => e.Us)))
                Console.WriteLine($"  {g.Key,-28} {g.Sum(e => e.Us) / 25 / 1000,8:F3} ms  " +
                    $"{100 * g.Sum(e => e.Us) / total,5:F1}%  ({g.Count() / 25} nodes)");
            // convs by kind (depthwise or not) and output shape
            foreach (var g in events.Where(e => e.Op.Contains("Conv", StringComparison.Ordinal)).GroupBy(e => e.Kind)
                .OrderByDescending(g => g.Sum(e => e.Us)))
                Console.WriteLine($"    {g.Key,-44} {g.Sum(e => e.Us) / 25 / 1000,8:F3} ms  " +
                    $"{100 * g.Sum(e => e.Us) / total,5:F1}%  ({g.Count() / 25} nodes)");
        }
    }
}

// Debian's PyTorch 1.13 int8 model in a child process, one forward pass per line (pytorch_int8.py)
internal sealed class PyTorchPeer : IDisposable
{
    private readonly System.Diagnostics.Process _process;

    private PyTorchPeer(System.Diagnostics.Process process) => _process = process;

    public static PyTorchPeer Start(string weights, float[] calibration, string dir, int threads)
    {
        var images = Path.Combine(dir, "calibration.f32");
        // kept for a back-to-back run of the peer: pytorch_int8.py WEIGHTS FILE THREADS CALLS
        File.WriteAllBytes(images, System.Runtime.InteropServices.MemoryMarshal.AsBytes(calibration.AsSpan())
            .ToArray());
        var script = Path.Combine(AppContext.BaseDirectory, "pytorch_int8.py");
        var info = new System.Diagnostics.ProcessStartInfo("/usr/bin/python3", [script, weights, images,
            threads.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        var process = System.Diagnostics.Process.Start(info)!;
        var ready = process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the PyTorch peer " +
            "exited before it was ready");
        Console.WriteLine($"pytorch-int8 {ready}");
        return new PyTorchPeer(process);
    }

    // pauses on both sides let one engine's spinning threads settle before the other runs
    public double Call(int batch)
    {
        Thread.Sleep(10);
        _process.StandardInput.WriteLine(batch.ToString(CultureInfo.InvariantCulture));
        var ms = double.Parse(_process.StandardOutput.ReadLine()!, CultureInfo.InvariantCulture);
        Thread.Sleep(10);
        return ms;
    }

    public void Dispose()
    {
        _process.StandardInput.WriteLine("quit");
        if (!_process.WaitForExit(10_000)) _process.Kill();
        _process.Dispose();
    }
}

// int8 and fp32 conv throughput: chains of 4 and 20 1x1 convs (ceiling_models.py), the difference timed
internal static class Ceiling
{
    public static void Run(string dir, int batch, int iterations)
    {
        const double MacsPerConv = 256.0 * 256 * 28 * 28;
        using var so = new Microsoft.ML.OnnxRuntime.SessionOptions
        {
            GraphOptimizationLevel = Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        so.DisablePerSessionThreads();
        var names = new[] { "int8_4", "int8_20", "fp32_4", "fp32_20" };
        var sessions = names.Select(n => new Microsoft.ML.OnnxRuntime.InferenceSession(Path.Combine(dir,
            $"ceiling_{n}.onnx"), so)).ToList();
        var input = new float[batch * 256 * 28 * 28];
        var rng = new Random(0);
        for (int i = 0; i < input.Length; i++) input[i] = (float)rng.NextDouble() * 4;
        using var value = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(input, [batch, 256, 28, 28]);
        using var run = new Microsoft.ML.OnnxRuntime.RunOptions();
        var cases = sessions.Select((s, i) => (names[i], (Action)(() => { using var r = s.Run(run, ["input"], [value],
            ["output"]); }))).ToList();
        var results = new LatencyBenchmark { Warmup = 5, Iterations = Math.Max(20, iterations / 8),
            PerRound = 1 }.MeasureInterleaved(batch, cases);
        foreach (var r in results) Console.WriteLine($"{r.Name}: median {r.MedianMs:F3} ms, min {r.MinMs:F3} ms");
        foreach (var kind in new[] { "int8", "fp32" })
        {
            var (a, b) = (results.First(r => r.Name == kind + "_4"), results.First(r => r.Name == kind + "_20"));
            double gops = 2 * MacsPerConv * 16 * batch / ((b.MedianMs - a.MedianMs) / 1000) / 1e9;
            double best = 2 * MacsPerConv * 16 * batch / ((b.MinMs - a.MinMs) / 1000) / 1e9;
            Console.WriteLine($"{kind}: {gops:F0} G ops/s at the median ({best:F0} from the fastest calls), batch " +
                $"{batch}, 1x1 conv 256->256 at 28x28");
        }
        foreach (var s in sessions) s.Dispose();
    }
}

internal sealed class Args(List<(string Key, string Value)> values)
{
    public static Args Parse(string[] args)
    {
        var d = new List<(string, string)>();
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unexpected " +
                $"argument '{args[i]}'");
            bool hasValue = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            d.Add((args[i][2..], hasValue ? args[++i] : "1"));
        }
        return new Args(d);
    }

    public bool Has(string key) => values.Any(v => v.Key == key);

    public string Get(string key, string fallback) => values.LastOrDefault(v => v.Key == key).Value ?? fallback;

    public IEnumerable<string> All(string key) => values.Where(v => v.Key == key).Select(v => v.Value);
}
