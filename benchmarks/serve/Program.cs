// Load test of `shufflenet serve` on 127.0.0.1: N concurrent clients POST the reference photos for a fixed time;
// throughput, p50/p99 latency and errors with batching on (--max-batch 32) and off (--max-batch 1), next to
// `shufflenet benchmark`'s in-process batch-32 throughput of the same model, measured in the same run (before and
// after), and a mixed run where 10% of the requests are bad files. Bounded: each phase runs --seconds, one server
// process at a time, stopped with SIGTERM.
//   dotnet run -c Release --project benchmarks/serve -- [--checkpoint F] [--images DIR] [--seconds 20]
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using ShuffleNet.Checkpoints;
using ShuffleNet.Onnx.Export;
using ShuffleNet.Onnx.Runtime;
using ShuffleNet.Vision.Decoding;
using ShuffleNet.Vision.Transforms;

var opts = Args(args);
string root = FindRoot(), cli = Path.Combine(root, "shufflenet");
string checkpoint = opts.GetValueOrDefault("--checkpoint", Path.GetFullPath(Path.Combine(root, "..", "shared",
    "reference", "mmcls_1.0.pth")));
string imageDir = opts.GetValueOrDefault("--images", Path.GetFullPath(Path.Combine(root, "..", "shared", "reference",
    "images")));
int seconds = int.Parse(opts.GetValueOrDefault("--seconds", "20"));
var photos = Directory.GetFiles(imageDir, "*.png").Order().Select(f => (Name: Path.GetFileName(f),
    Bytes: File.ReadAllBytes(f))).ToArray();
// the bad files of the mixed run: not an image, a truncated PNG, an empty body
var bad = new[] { ("notes.png", "this is text, not an image"u8.ToArray()), ("half.png",
    photos[0].Bytes[..(photos[0].Bytes.Length / 2)]), ("empty.png", Array.Empty<byte>()) };

Console.WriteLine($"load before: {Uptime()}");
Console.WriteLine($"checkpoint {checkpoint}, photos {string.Join(", ", photos.Select(p => p.Name))}, {seconds} s per " +
    $"phase, {Environment.ProcessorCount} cores");
var rows = new List<(string Name, int Clients, Result R)>();
var peers = new List<double>();
peers.Add(InProcess());
Console.WriteLine($"decode + preprocess alone, one thread: {PreprocessRate():F0} img/s");
var pipelinePeers = new List<double> { InProcessPipeline() };
foreach (var (label, batch) in new[] { ("on", 32), ("off", 1) })
{
    using var server = Serve(batch);
    foreach (int clients in new[] { 32, 16 })
        rows.Add(($"batching {label}", clients, await Load(server.Url, clients, badShare: 0)));
    // "half that load": requests arriving at half the rate 32 clients got, whatever the latency (open loop);
    // closed-loop clients instead wait for each answer, so their latency is clients / throughput however light the load
    double half = rows[^2].R.Rate / 2;
    rows.Add(($"batching {label}, open loop at {half:F0} req/s", 0, await OpenLoad(server.Url, half)));
    if (batch > 1) rows.Add(("batching on, 10% bad files", 16, await Load(server.Url, 16, badShare: 0.1)));
    server.Stop();
}
peers.Add(InProcess());
pipelinePeers.Add(InProcessPipeline());
double peer = peers.Average();
Console.WriteLine($"load after: {Uptime()}");
Console.WriteLine();
Console.WriteLine($"in-process batch 32 (shufflenet benchmark --backend ort --batch 32): " +
    $"{string.Join(" / ", peers.Select(p => $"{p:F0}"))} img/s, mean {peer:F0}");
Console.WriteLine($"in-process decode + preprocess (all cores) then batch 32, in turn: " +
    $"{string.Join(" / ", pipelinePeers.Select(p => $"{p:F0}"))} img/s, mean {pipelinePeers.Average():F0}");
Console.WriteLine();
Console.WriteLine("| run | clients | img/s | vs in-process b32 | vs in-process decode + b32 | p50 ms | p99 ms | 200 " +
    "| 4xx | 5xx | failed |");
Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
foreach (var (name, clients, r) in rows)
    Console.WriteLine($"| {name} | {(clients > 0 ? clients : "open")} | {r.Rate:F0} | {r.Rate / peer:P0} | " +
        $"{r.Rate / pipelinePeers.Average():P0} | {r.P50:F1} | {r.P99:F1} | {r.Ok} | {r.ClientErrors} | " +
        $"{r.ServerErrors} | {r.Failed} |");
return;

double InProcess()
{
    var psi = new ProcessStartInfo(cli, ["benchmark", "--checkpoint", checkpoint, "--backend", "ort", "--batch", "32",
        "--iterations", "20", "--json"])
        { RedirectStandardOutput = true };
    using var p = Process.Start(psi)!;
    var json = JsonDocument.Parse(p.StandardOutput.ReadToEnd()).RootElement;
    p.WaitForExit();
    double rate = json.GetProperty("results")[0].GetProperty("images_per_second").GetDouble();
    Console.WriteLine($"shufflenet benchmark --backend ort --batch 32: {rate:F0} img/s");
    return rate;
}

// What an in-process program does with the same photos: decode and preprocess 32 on all cores, then one batch-32
// call (ORT, spinning off as in serve), in turn; the peer that includes the decoding the service also does.
double InProcessPipeline()
{
    var cp = CheckpointFile.Load(checkpoint);
    using var model = OrtClassifier.FromBytes(OnnxExporter.ExportToBytes(cp.StateDict),
        new OrtOptions { Threads = Environment.ProcessorCount });
    var pipeline = Presets.ImageNetEval();
    var input = new float[32 * pipeline.SampleSize];
    var logits = new float[32 * model.NumClasses];
    int n = 0;
    var sw = Stopwatch.StartNew();
    while (sw.Elapsed < TimeSpan.FromSeconds(seconds))
    {
        Parallel.For(0, 32, i => pipeline.Run(ImageDecoder.Default.Decode(photos[(n + i) % photos.Length].Bytes),
            new Random(0),
            input.AsSpan(i * pipeline.SampleSize, pipeline.SampleSize)));
        model.Run(input, 32, logits);
        n += 32;
    }
    double rate = n / sw.Elapsed.TotalSeconds;
    Console.WriteLine($"in-process decode + preprocess + batch 32: {rate:F0} img/s");
    return rate;
}

double PreprocessRate()
{
    var pipeline = Presets.ImageNetEval();
    var sample = new float[pipeline.SampleSize];
    int n = 0;
    var sw = Stopwatch.StartNew();
    while (sw.Elapsed < TimeSpan.FromSeconds(3))
        pipeline.Run(ImageDecoder.Default.Decode(photos[n++ % photos.Length].Bytes), new Random(0), sample);
    return n / sw.Elapsed.TotalSeconds;
}

Server Serve(int maxBatch)
{
    var psi = new ProcessStartInfo(cli, ["serve", "--checkpoint", checkpoint, "--backend", "ort", "--port", "0",
        "--max-batch", maxBatch.ToString()])
        { RedirectStandardOutput = true, RedirectStandardError = true };
    var p = Process.Start(psi)!;
    p.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("serve: " + e.Data); };
    p.BeginErrorReadLine();
    string? line;
    while ((line = p.StandardOutput.ReadLine()) is not null && !line.StartsWith("serving ",
        StringComparison.Ordinal)) { }
    if (line is null) throw new InvalidOperationException("serve did not start");
    var url = line.Split(" on ")[1].Split(' ')[0];
    using var probe = new HttpClient();
    while (!probe.GetAsync(url + "/readyz").Result.IsSuccessStatusCode) Thread.Sleep(50);
    Console.WriteLine($"serve --max-batch {maxBatch} at {url}");
    return new Server(p, url);
}

async Task<Result> Load(string url, int clients, double badShare)
{
    using var http =
        new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients }) { BaseAddress = new Uri(url),
        Timeout = TimeSpan.FromSeconds(30) };
    // warm the connections and the server's paths, untimed
    await Task.WhenAll(Enumerable.Range(0, clients).Select(i => Send(http, photos[i % photos.Length])));
    var latencies = new List<double>[clients];
    int ok = 0, client4xx = 0, server5xx = 0, failed = 0, goodSent = 0, goodOk = 0;
    var stop = Stopwatch.StartNew();
    var end = TimeSpan.FromSeconds(seconds);
    await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
    {
        latencies[c] = [];
        var rng = new Random(c);
        for (int i = c; stop.Elapsed < end; i++)
        {
            bool isBad = rng.NextDouble() < badShare;
            var image = isBad ? bad[i % bad.Length] : photos[i % photos.Length];
            long t0 = Stopwatch.GetTimestamp();
            int status;
            try { status = await Send(http, image); }
            catch (Exception) { Interlocked.Increment(ref failed); continue; }
            if (!isBad) latencies[c].Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            if (!isBad) Interlocked.Increment(ref goodSent);
            if (status == 200) { Interlocked.Increment(ref ok); if (!isBad) Interlocked.Increment(ref goodOk); }
            else if (status >= 500) Interlocked.Increment(ref server5xx);
            else Interlocked.Increment(ref client4xx);
        }
    }));
    double elapsed = stop.Elapsed.TotalSeconds;
    var all = latencies.SelectMany(l => l).Order().ToArray();
    var r = new Result(goodOk / elapsed, Percentile(all, 0.5), Percentile(all, 0.99), ok, client4xx, server5xx, failed);
    Console.WriteLine($"  {clients} clients, bad share {badShare:P0}: {r}; good images answered {goodOk}/{goodSent}");
    return r;
}

// Poisson arrivals at `rate` per second for the phase's duration, each request sent without waiting for the others
async Task<Result> OpenLoad(string url, double rate)
{
    using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 })
        { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
    await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Send(http, photos[i % photos.Length])));
    var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
    int ok = 0, client4xx = 0, server5xx = 0, failed = 0;
    var rng = new Random(7);
    var inFlight = new List<Task>();
    var stop = Stopwatch.StartNew();
    double next = 0;
    for (int i = 0; next < seconds; i++)
    {
        var wait = TimeSpan.FromSeconds(next) - stop.Elapsed;
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
        var image = photos[i % photos.Length];
        inFlight.Add(Task.Run(async () =>
        {
            long t0 = Stopwatch.GetTimestamp();
            int status;
            try { status = await Send(http, image); }
            catch (Exception) { Interlocked.Increment(ref failed); return; }
            latencies.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            if (status == 200) Interlocked.Increment(ref ok);
            else if (status >= 500) Interlocked.Increment(ref server5xx);
            else Interlocked.Increment(ref client4xx);
        }));
        next += -Math.Log(1 - rng.NextDouble()) / rate;
    }
    await Task.WhenAll(inFlight);
    double elapsed = stop.Elapsed.TotalSeconds;
    var all = latencies.Order().ToArray();
    var r = new Result(ok / elapsed, Percentile(all, 0.5), Percentile(all, 0.99), ok, client4xx, server5xx, failed);
    Console.WriteLine($"  open loop, {rate:F0} req/s offered ({inFlight.Count} sent): {r}");
    return r;
}

static async Task<int> Send(HttpClient http, (string Name, byte[] Bytes) image)
{
    var content = new ByteArrayContent(image.Bytes);
    content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
    content.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = image.Name };
    using var response = await http.PostAsync("/v1/classify", content);
    await response.Content.ReadAsByteArrayAsync();
    return (int)response.StatusCode;
}

static double Percentile(double[] sorted, double q) => sorted.Length == 0 ? double.NaN
    : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];

static string Uptime() => File.ReadAllText("/proc/loadavg").Trim();

static Dictionary<string, string> Args(string[] a)
{
    var d = new Dictionary<string, string>();
    for (int i = 0; i + 1 < a.Length; i += 2) d[a[i]] = a[i + 1];
    return d;
}

static string FindRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "ShuffleNet.sln"))) return dir.FullName;
    throw new DirectoryNotFoundException("no ShuffleNet.sln above the benchmark");
}

record Result(double Rate, double P50, double P99, int Ok, int ClientErrors, int ServerErrors, int Failed);

sealed class Server(Process process, string url) : IDisposable
{
    public string Url { get; } = url;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);

    /// <summary>SIGTERM, as a container runtime stops it; waits for the graceful exit.</summary>
    public void Stop()
    {
        Kill(process.Id, 15);
        if (!process.WaitForExit(TimeSpan.FromSeconds(60))) process.Kill(entireProcessTree: true);
    }

    public void Dispose()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.Dispose();
    }
}
