using System.CommandLine;
using ShuffleNet.Cli.Commands;
using ShuffleNet.Experiments;
using ShuffleNet.Onnx.Runtime;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace ShuffleNet.Cli.Experiments;

/// <summary>
/// <c>shufflenet guidelines</c>: the paper's Section 2 micro-benchmarks (Tables 1-4) on this machine, next to the
/// published GPU and ARM figures, with each setting's speed relative to the first setting of its table.
/// </summary>
internal static class GuidelinesCommand
{
    public static Command Create()
    {
        var only = new Option<Guideline?>("--only") { Description = "Run one guideline: G1, G2, G3 or G4 (default: " +
            "all four)." };
        var setup = new Option<PaperSetup>("--setup") { Description = "Channel counts of the paper's Gpu columns or " +
            "its smaller Arm columns.", DefaultValueFactory = _ => PaperSetup.Gpu };
        var merge = new Option<FragmentMerge>("--merge") { Description = "How G3's parallel fragments join: Concat " +
            "(same FLOPs and channels as one fragment, only split) or Sum.",
            DefaultValueFactory = _ => FragmentMerge.Concat };
        var (backend, batch, device, iterations, warmup, plot, json) = Shared(defaultIterations: 20, defaultWarmup: 3);
        var command = new Command("guidelines", "Re-run the paper's guideline experiments G1-G4 (10 blocks at 56x56) " +
            "here and compare the trends with its Tables 1-4.")
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

    private static int Execute(Guideline? only, PaperSetup setup, FragmentMerge merge, Backend backend, int batch,
        string device,
        int iterations, int warmup, string? plot, bool json)
    {
        Validate(device);
        if (plot is not null) Checkpoints.AtomicFile.CheckTarget(plot);   // before minutes of measuring, not after
        var load = Machine.LoadAverage();
        // one call per case per round: background load falls on every case alike
        var bench = new LatencyBenchmark { Warmup = warmup, Iterations = iterations, PerRound = 1 };
        var rows = new List<GuidelineRow>();
        foreach (var g in only is { } one ? [one] : Enum.GetValues<Guideline>())
        {
            var cases = GuidelineNetworks.Build(g, setup, merge);
            var timings = Runners.Measure(bench, batch, cases.Select(c => ($"{c.Setting} " +
                $"{GuidelineReport.WidthLabels[c.WidthIndex]}",
                (Func<Runner>)(() => Runners.ForGraph(c.Graph, backend, batch)))).ToList());
            rows.AddRange(GuidelineReport.Rows(cases, timings.Select(t => (t.MedianMs, t.MinMs)).ToList(), batch));
        }
        var verdicts = rows.Select(r => r.Guideline).Distinct().ToDictionary(g => g.ToString(),
            g => GuidelineReport.Verdict(g, rows));
        var loadAfter = Machine.LoadAverage();
        string title = $"ShuffleNet V2 guidelines, {backend}, batch {batch}, {setup} widths";
        if (plot is not null) BenchmarkCharts.Guidelines(rows, plot, title);
        if (json)
        {
            Common.PrintJson(new
            {
                Backend = backend, Batch = batch, Device = "cpu", Setup = setup, Merge = merge, Iterations = iterations,
                    Warmup = warmup,
                Machine = Machine.Describe(backend), LoadAverageBefore = load, LoadAverageAfter = loadAfter,
                    Rows = rows, Verdicts = verdicts, Plot = plot,
            });
            return 0;
        }
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(title)}[/] — {Markup.Escape(Machine.Describe(backend))}, load " +
            $"{load:F2} → {loadAfter:F2}");
        foreach (var group in rows.GroupBy(r => r.Guideline))
        {
            var table = new Table().Title($"{group.Key} (paper Table {PaperFigures.Tables[group.Key].Table})")
                .AddColumns("setting", "width", "channels", "MMACs", "ms", "img/s here", "ratio here",
                    "paper GPU (ratio)", "paper ARM (ratio)");
            foreach (var r in group)
                table.AddRow(r.Setting, r.Width, r.Channels, $"{r.Macs / 1e6:F0}", $"{r.MedianMs:F2}",
                    $"{r.ImagesPerSecond:F1}", $"{r.Ratio:F2}",
                    $"{r.PaperGpu:G4} ({r.PaperGpuRatio:F2})", $"{r.PaperArm:G4} ({r.PaperArmRatio:F2})");
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine(Markup.Escape(verdicts[group.Key.ToString()]));
        }
        if (plot is not null) AnsiConsole.MarkupLine($"chart: {Markup.Escape(plot)}");
        return 0;
    }
}
