using System.CommandLine;
using ShuffleNet.Cli.Commands;
using ShuffleNet.Experiments;
using ShuffleNet.Models;
using ShuffleNet.Onnx.Export;
using ShuffleNet.Onnx.Runtime;
using Spectre.Console;

namespace ShuffleNet.Cli.Experiments;

/// <summary>
/// <c>shufflenet compare</c>: ShuffleNet V2 at its four widths next to MobileNet V2 and ShuffleNet V1 built in the same
/// engine: FLOPs and parameters counted from the models, speed measured here (interleaved), as a table and a chart.
/// </summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var (backend, batch, device, iterations, warmup, plot, json) = GuidelinesCommand.Shared(defaultIterations: 50,
            defaultWarmup: 5);
        var models = new Option<string[]>("--models")
        {
            Description = "Only these families or names (e.g. 'ShuffleNet V2', 'MobileNet V2 1.0'); default: all.",
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("compare", "Measure ShuffleNet V2 (0.5x-2.0x) against MobileNet V2 and ShuffleNet " +
            "V1 on this machine: FLOPs, parameters, latency.")
        {
            backend, batch, device, iterations, warmup, models, plot, json,
        };
        command.SetAction(r => Common.Run(() => Execute(r.GetValue(backend)!.Value, r.GetValue(batch)![0],
            r.GetValue(device)!, r.GetValue(iterations),
            r.GetValue(warmup), r.GetValue(models), r.GetValue(plot), r.GetValue(json))));
        return command;
    }

    private static int Execute(Backend backend, int batch, string device, int iterations, int warmup, string[]? only,
        string? plot, bool json)
    {
        GuidelinesCommand.Validate(device);
        if (plot is not null) Checkpoints.AtomicFile.CheckTarget(plot);   // before minutes of measuring, not after
        var selected = ReferenceModels.All.Where(m => only is not { Length: > 0 } ||
            only.Any(o => o.Equals(m.Family, StringComparison.OrdinalIgnoreCase) || o.Equals($"{m.Family} {m.Name}",
                StringComparison.OrdinalIgnoreCase))).ToList();
        if (selected.Count == 0)
            throw new ArgumentException($"--models matched nothing; known: " +
                $"{string.Join(", ", ReferenceModels.All.Select(m => $"'{m.Family} {m.Name}'"))}");

        var counts = new Dictionary<ReferenceModel, (long Macs, long Params)>();
        var load = Machine.LoadAverage();
        var bench = new LatencyBenchmark { Warmup = warmup, Iterations = iterations, PerRound = 2 };
        var timings = Runners.Measure(bench, batch, selected.Select(m => ($"{m.Family} {m.Name}", (Func<Runner>)(() =>
        {
            var model = m.Create();
            counts[m] = (m.ConvFcMacs(model), ReferenceModel.Parameters(model));
            if (backend == Backend.Torch) return Runners.Torch(model, [3, 224, 224], batch);
            byte[] onnx = m.V2Width is not null
                ? OnnxExporter.ExportToBytes(Weights.ToStateDict(model))
                : Runners.ToOnnx(GraphTracer.Trace(model, $"{m.Family} {m.Name}", 3, 224));
            model.Dispose();
            return Runners.Ort(onnx, batch);
        }))).ToList());
        var loadAfter = Machine.LoadAverage();

        var rows = selected.Select((m, i) => new
        {
            m.Family, m.Name, Mflops = counts[m].Macs / 1e6, PaperMflops = m.PaperMFlops, Parameters = counts[m].Params,
            m.PublishedParameters, timings[i].MedianMs, timings[i].P90Ms, timings[i].MinMs, timings[i].ImagesPerSecond,
                m.Source,
        }).ToList();
        string title = $"ShuffleNet V2 vs MobileNet V2 vs ShuffleNet V1, {backend}, batch {batch}";
        if (plot is not null)
            BenchmarkCharts.SpeedVersusFlops(rows.Select(r => (r.Family, r.Name, r.Mflops, r.ImagesPerSecond)).ToList(),
                plot, title);
        if (json)
        {
            Common.PrintJson(new
            {
                Backend = backend, Batch = batch, Device = "cpu", Iterations = iterations, Warmup = warmup,
                    Machine = Machine.Describe(backend),
                LoadAverageBefore = load, LoadAverageAfter = loadAfter, Models = rows, Plot = plot,
            });
            return 0;
        }
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(title)}[/] — {Markup.Escape(Machine.Describe(backend))}, load " +
            $"{load:F2} → {loadAfter:F2}");
        var table = new Table().AddColumns("model", "MFLOPs (paper)", "params (published)", "median ms", "p90 ms",
            "img/s");
        foreach (var r in rows)
            table.AddRow(Markup.Escape($"{r.Family} {r.Name}"), $"{r.Mflops:F1} ({r.PaperMflops:F0})",
                $"{r.Parameters:N0} ({(r.PublishedParameters is { } p ? p.ToString("N0") : "—")})", $"{r.MedianMs:F2}",
                    $"{r.P90Ms:F2}", $"{r.ImagesPerSecond:F1}");
        AnsiConsole.Write(table);
        if (plot is not null) AnsiConsole.MarkupLine($"chart: {Markup.Escape(plot)}");
        return 0;
    }
}
