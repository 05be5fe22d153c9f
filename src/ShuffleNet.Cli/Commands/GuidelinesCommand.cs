using System.CommandLine;
using ShuffleNet.Analysis;
using ShuffleNet.Onnx.Export;
using ShuffleNet.Onnx.Runtime;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace ShuffleNet.Cli.Commands;

/// <summary>
/// <c>shufflenet guidelines</c>: the paper's Section 2 micro-benchmarks (Tables 1-4) on this machine, next to the
/// published GPU and ARM figures, with each setting's speed relative to the first setting of its table.
/// </summary>
internal static class GuidelinesCommand
{
    public static Command Create()
    {
        var only = new Option<Guideline?>("--only") { Description = "Run one guideline: G1, G2, G3 or G4 (default: all four)." };
        var setup = new Option<PaperSetup>("--setup") { Description = "Channel counts of the paper's Gpu columns or its smaller Arm columns.", DefaultValueFactory = _ => PaperSetup.Gpu };
        var merge = new Option<FragmentMerge>("--merge") { Description = "How G3's parallel fragments join: Concat (same FLOPs and channels as one fragment, only split) or Sum.", DefaultValueFactory = _ => FragmentMerge.Concat };
        var (backend, batch, device, iterations, warmup, plot, json) = Shared(defaultIterations: 20, defaultWarmup: 3);
        var command = new Command("guidelines", "Re-run the paper's guideline experiments G1-G4 (10 blocks at 56x56) here and compare the trends with its Tables 1-4.")
        {
            only, setup, merge, backend, batch, device, iterations, warmup, plot, json,
        };
        command.SetAction(r => Common.Run(() => Execute(r.GetValue(only), r.GetValue(setup), r.GetValue(merge),
            r.GetValue(backend)!.Value, r.GetValue(batch)![0],
            r.GetValue(device)!, r.GetValue(iterations), r.GetValue(warmup), r.GetValue(plot), r.GetValue(json))));
        return command;
    }

    /// <summary>The options <c>guidelines</c> and <c>compare</c> share, declared once.</summary>
    internal static (Option<Backend?>, Option<int[]>, Option<string>, Option<int>, Option<int>, Option<string?>,
        Option<bool>) Shared(int defaultIterations, int defaultWarmup) =>
    (
        Options.Backend("Torch (TorchSharp modules) or Ort (the same networks as ONNX on ONNX Runtime).",
            Backend.Torch),
        Options.Batch("Images per call; 1 measures per-image latency, as the paper's ARM figures did " +
                      "(its GPU used 8).", [1]),
        Options.Device("cpu (the only device of this build)."),
        Options.Iterations(defaultIterations, "Timed calls per network."),
        Options.Warmup(defaultWarmup, "Untimed calls per network first."),
        Options.Plot(),
        Options.Json()
    );

    /// <summary>Rejects a device these benchmarks cannot use, in the words the user needs.</summary>
    internal static void Validate(string device)
    {
        if (device.StartsWith("cuda", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"--device {device}: no CUDA device in this build/session; use --device cpu");
        if (!device.Equals("cpu", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"--device '{device}' is not a device; use cpu");
    }

    private static int Execute(Guideline? only, PaperSetup setup, FragmentMerge merge, Backend backend, int batch, string device,
        int iterations, int warmup, string? plot, bool json)
    {
        Validate(device);
        if (plot is not null) Checkpoints.AtomicFile.CheckTarget(plot);   // before minutes of measuring, not after
        var load = Machine.LoadAverage();
        var bench = new LatencyBenchmark { Warmup = warmup, Iterations = iterations, PerRound = 1 }; // one call per case per round: background load falls on every case alike
        var rows = new List<GuidelineRow>();
        foreach (var g in only is { } one ? [one] : Enum.GetValues<Guideline>())
        {
            var cases = GuidelineNetworks.Build(g, setup, merge);
            var timings = Runners.Measure(bench, batch, cases.Select(c => ($"{c.Setting} {GuidelineReport.WidthLabels[c.WidthIndex]}",
                (Func<Runner>)(() => Runners.ForGraph(c.Graph, backend, batch)))).ToList());
            rows.AddRange(GuidelineReport.Rows(cases, timings.Select(t => (t.MedianMs, t.MinMs)).ToList(), batch));
        }
        var verdicts = rows.Select(r => r.Guideline).Distinct().ToDictionary(g => g.ToString(), g => GuidelineReport.Verdict(g, rows));
        var loadAfter = Machine.LoadAverage();
        string title = $"ShuffleNet V2 guidelines, {backend}, batch {batch}, {setup} widths";
        if (plot is not null) BenchmarkCharts.Guidelines(rows, plot, title);
        if (json)
        {
            Common.PrintJson(new
            {
                Backend = backend, Batch = batch, Device = "cpu", Setup = setup, Merge = merge, Iterations = iterations, Warmup = warmup,
                Machine = Machine.Describe(backend), LoadAverageBefore = load, LoadAverageAfter = loadAfter, Rows = rows, Verdicts = verdicts, Plot = plot,
            });
            return 0;
        }
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(title)}[/] — {Markup.Escape(Machine.Describe(backend))}, load {load:F2} → {loadAfter:F2}");
        foreach (var group in rows.GroupBy(r => r.Guideline))
        {
            var table = new Table().Title($"{group.Key} (paper Table {PaperFigures.Tables[group.Key].Table})")
                .AddColumns("setting", "width", "channels", "MMACs", "ms", "img/s here", "ratio here", "paper GPU (ratio)", "paper ARM (ratio)");
            foreach (var r in group)
                table.AddRow(r.Setting, r.Width, r.Channels, $"{r.Macs / 1e6:F0}", $"{r.MedianMs:F2}", $"{r.ImagesPerSecond:F1}", $"{r.Ratio:F2}",
                    $"{r.PaperGpu:G4} ({r.PaperGpuRatio:F2})", $"{r.PaperArm:G4} ({r.PaperArmRatio:F2})");
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine(Markup.Escape(verdicts[group.Key.ToString()]));
        }
        if (plot is not null) AnsiConsole.MarkupLine($"chart: {Markup.Escape(plot)}");
        return 0;
    }
}

/// <summary>A prepared model call on one backend; disposing releases the session or module.</summary>
internal sealed class Runner(Action call, IDisposable owned) : IDisposable
{
    public Action Call { get; } = call;
    public void Dispose() => owned.Dispose();
}

/// <summary>Builds runners for either backend and times them with <see cref="LatencyBenchmark"/>, interleaved.</summary>
internal static class Runners
{
    /// <summary>Creates every runner, measures them interleaved, disposes them; results in order.</summary>
    public static IReadOnlyList<LatencyResult> Measure(LatencyBenchmark bench, int batch, IReadOnlyList<(string Name, Func<Runner> Create)> cases)
    {
        var runners = new List<Runner>();
        try
        {
            foreach (var (_, create) in cases) runners.Add(create());
            return bench.MeasureInterleaved(batch, cases.Select((c, i) => (c.Name, runners[i].Call)).ToList());
        }
        finally
        {
            foreach (var r in runners) r.Dispose();
        }
    }

    public static Runner ForGraph(NetGraph graph, Backend backend, int batch) => backend == Backend.Ort
        ? Ort(ToOnnx(graph), batch)
        : Torch(new GraphNetwork(graph), graph.ShapeOf(0), batch);

    /// <summary>A TorchSharp module called under <c>no_grad</c> on one random input tensor made once.</summary>
    public static Runner Torch(nn.Module<Tensor, Tensor> module, long[] imageShape, int batch)
    {
        module.eval();
        var input = randn([batch, .. imageShape]);
        return new Runner(() =>
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            module.call(input);
        }, new Owned(module, input));
    }

    /// <summary>An ONNX model on <see cref="OrtClassifier"/> (the project's session settings), random input.</summary>
    public static Runner Ort(byte[] onnx, int batch)
    {
        var session = OrtClassifier.FromBytes(onnx);
        var input = new float[batch * session.ImageSize];
        var rng = new Random(0);
        for (int i = 0; i < input.Length; i++) input[i] = rng.NextSingle() * 2 - 1;
        var output = new float[batch * session.NumClasses];
        return new Runner(() => session.Run(input, batch, output), session);
    }

    /// <summary>The graph as ONNX: one operator per node, the weights as they are.</summary>
    public static byte[] ToOnnx(NetGraph graph)
    {
        var s = graph.ShapeOf(0);
        var w = new OnnxNetworkWriter(graph.Name, s[0], s[1], s[2]);
        var v = new string[graph.Nodes.Count];
        v[0] = w.Input;
        for (int i = 1; i < v.Length; i++)
        {
            var n = graph.Nodes[i];
            string a = v[n.Inputs[0]];
            long inC = graph.ShapeOf(n.Inputs[0])[0];
            v[i] = n.Kind switch
            {
                OpKind.Conv => w.Conv(a, n.Weight!, n.Bias, (int)n.Shape[0], (int)(inC / n.Groups), n.Kernel, n.Stride, n.Padding, n.Groups),
                OpKind.Relu => w.Relu(a),
                OpKind.Relu6 => w.Relu6(a),
                OpKind.Add => w.Add(a, v[n.Inputs[1]]),
                OpKind.Concat => w.Concat(n.Inputs.Select(j => v[j]).ToArray()),
                OpKind.Shuffle => w.ChannelShuffle(a, n.Groups, n.Shape[0]),
                OpKind.MaxPool => w.MaxPool(a, n.Kernel, n.Stride, n.Padding),
                OpKind.AvgPool => w.AveragePool(a, n.Kernel, n.Stride, n.Padding),
                OpKind.GlobalPool => w.GlobalAveragePool(a),
                OpKind.Linear => w.Linear(a, n.Weight!, n.Bias!, (int)n.Shape[0], (int)inC),
                _ => throw new NotSupportedException(n.Kind.ToString()),
            };
        }
        return w.ToBytes(v[^1], graph.Nodes[^1].Shape);
    }

    private sealed class Owned(params IDisposable[] items) : IDisposable
    {
        public void Dispose() { foreach (var i in items) i.Dispose(); }
    }
}

/// <summary>What the results depend on: CPU, cores, threads, load.</summary>
internal static class Machine
{
    public static double LoadAverage() =>
        File.Exists("/proc/loadavg") ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) : double.NaN;

    public static string Describe(Backend backend)
    {
        string cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : "unknown CPU";
        string threads = backend == Backend.Torch ? $"{torch.get_num_threads()} torch threads" : $"{new OrtOptions().Threads} ORT threads";
        return $"{cpu}, {Environment.ProcessorCount} logical cores, {threads}";
    }
}
