// Times our ONNX export of ShuffleNet V2 against PyTorch's export of the same weights, interleaved in one
// run, on ONNX Runtime CPU. Usage (from the repository root):
//   dotnet run -c Release --project benchmarks/onnx -- [--threads 2] [--batches 1,32] [--iterations 200]
//       [--spin 1|0] [--naive] [--json results.json] [--out folder-to-keep-the-exports] [--extra name=model.onnx]
// Every model runs on one shared ONNX Runtime pool of --threads threads, spinning between ops (ONNX Runtime's
// own default) unless --spin 0.
using System.Globalization;
using System.Text.Json;
using ShuffleNet.Checkpoints;
using ShuffleNet.Onnx.Export;
using ShuffleNet.Onnx.Runtime;

var opts = Args.Parse(args);
string checkpoint = opts.Get("checkpoint", "/work/shared/reference/mmcls_1.0.pth");
string peer = opts.Get("peer", "/work/shared/peers/torchvision_1.0_pytorch-export.onnx");
int threads = int.Parse(opts.Get("threads", "2"), CultureInfo.InvariantCulture);
int iterations = int.Parse(opts.Get("iterations", "200"), CultureInfo.InvariantCulture);
var batches = opts.Get("batches", "1,32").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
bool spin = opts.Get("spin", "1") == "1";
// one pool for every session: with a pool each, a pool still spinning after its call slows the next model's call
OrtThreads.ShareOnePool(threads, spin);
var ortOptions = new OrtOptions { SharedThreadPool = true };

var ckpt = CheckpointFile.Load(checkpoint);
var outDir = opts.Has("out") ? Directory.CreateDirectory(opts.Get("out", "")).FullName
    : Directory.CreateTempSubdirectory("onnxbench").FullName;
var ours = Path.Combine(outDir, "shufflenet_v2_1.0x.onnx");
var exportClock = System.Diagnostics.Stopwatch.StartNew();
OnnxExporter.Export(ckpt.StateDict, ours, new ExportOptions { Classes = ckpt.Classes });
Console.WriteLine($"exported {ours} in {exportClock.ElapsedMilliseconds} ms ({new FileInfo(ours).Length:N0} bytes)");

var models = new List<(string Name, string Path)> { ("ours", ours), ("pytorch-export", peer) };
if (opts.Has("naive"))
{
    var naive = Path.Combine(outDir, "naive.onnx");
    OnnxExporter.Export(ckpt.StateDict, naive, new ExportOptions { Mode = ExportMode.Naive, Batch = null });
    models.Add(("ours-naive", naive));
}
// --extra name=path.onnx adds any model to the comparison
if (opts.Has("extra")) models.Add((opts.Get("extra", "").Split('=')[0], opts.Get("extra", "").Split('=')[1]));
var sessions = models.Select(m => (m.Name, Classifier: OrtClassifier.Open(m.Path, ortOptions))).ToList();

var rng = new Random(0);
var results = new List<LatencyResult>();
foreach (var batch in batches)
{
    var input = new float[batch * sessions[0].Classifier.ImageSize];
    for (int i = 0; i < input.Length; i++) input[i] = (float)(rng.NextDouble() * 4 - 2);
    var logits = sessions.Select(s => new float[batch * s.Classifier.NumClasses]).ToArray();
    sessions[0].Classifier.Run(input, batch, logits[0]);
    for (int s = 1; s < sessions.Count; s++)
    {
        sessions[s].Classifier.Run(input, batch, logits[s]);
        double diff = logits[0].Zip(logits[s], (a, b) => Math.Abs(a - b)).Max();
        Console.WriteLine($"batch {batch}: max |ours - {sessions[s].Name}| = {diff:E2}");
    }
    var bench = new LatencyBenchmark { Warmup = 20, Iterations = batch == 1 ? iterations : Math.Max(20, iterations / 8),
        PerRound = opts.Has("round") ? int.Parse(opts.Get("round", "1"), CultureInfo.InvariantCulture) : 1 };
    var cases = sessions.Select((s, i) => (s.Name, (Action)(() => s.Classifier.Run(input, batch, logits[i])))).ToList();
    results.AddRange(bench.MeasureInterleaved(batch, cases));
}

Console.WriteLine($"{Environment.ProcessorCount} cores, one shared pool of {threads} intra-op threads, spinning " +
    $"{spin}, load {File.ReadAllText("/proc/loadavg").Trim()}");
Console.WriteLine("| model | batch | median ms | p90 ms | mean ms | min ms | img/s |");
Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
foreach (var r in results)
    Console.WriteLine($"| {r.Name} | {r.Batch} | {r.MedianMs:F3} | {r.P90Ms:F3} | {r.MeanMs:F3} | {r.MinMs:F3} | " +
        $"{r.ImagesPerSecond:F0} |");
foreach (var g in results.GroupBy(r => r.Batch))
{
    var o = g.First(r => r.Name == "ours");
    var p = g.First(r => r.Name == "pytorch-export");
    // 0.29 GFLOP per image (2 FLOP per multiply-add); 370 GFLOP/s ORT SGEMM peak here
    Console.WriteLine($"batch {g.Key}: ours / pytorch-export = {o.ImagesPerSecond / p.ImagesPerSecond:F2}x; ours at " +
        $"{o.ImagesPerSecond * 0.29 / 370 * 100:F0}% of peak");
}
if (opts.Has("json")) File.WriteAllText(opts.Get("json", ""), JsonSerializer.Serialize(results,
    new JsonSerializerOptions { WriteIndented = true }));
foreach (var s in sessions) s.Classifier.Dispose();
if (!opts.Has("out")) Directory.Delete(outDir, recursive: true);

internal sealed class Args(Dictionary<string, string> values)
{
    public static Args Parse(string[] args)
    {
        var d = new Dictionary<string, string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unexpected " +
                $"argument '{args[i]}'");
            bool hasValue = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            d[args[i][2..]] = hasValue ? args[++i] : "1";
        }
        return new Args(d);
    }

    public bool Has(string key) => values.ContainsKey(key);

    public string Get(string key, string fallback) => values.TryGetValue(key, out var v) ? v : fallback;
}
