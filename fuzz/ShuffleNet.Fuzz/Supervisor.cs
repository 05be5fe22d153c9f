using System.Diagnostics;
using System.Globalization;

namespace ShuffleNet.Fuzz;

/// <summary>
/// Runs a target's inputs in child processes (this program's <c>worker</c> command), so that what kills a process
/// (a stack overflow, a native crash, the watchdog's exit on a hang or memory blow-up, the GC's hard heap limit) is
/// counted against the input that did it, and the run goes on from the next input in a fresh worker.
/// </summary>
internal static class Supervisor
{
    /// <summary>Heap a worker may hold: past it an allocation throws OutOfMemoryException (a memory crash).</summary>
    private const long WorkerHeapLimit = 3L << 30;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>What the workers of one run told the supervisor.</summary>
    private sealed class Tally
    {
        public List<Crash> Crashes { get; } = [];
        public List<(long Index, double Seconds)> Slowest { get; } = [];
        public long Accepted { get; set; }
    }

    public static FuzzReport Run(FuzzTarget target, int seed, long start, long count, string repo,
        string? timeLimit = null)
    {
        var tally = new Tally();
        var clock = Stopwatch.StartNew();
        for (long next = start; next < start + count;)
        {
            var (at, fatal, done, exitCode, stderr) =
                RunWorker(target.Name, seed, next, start + count - next, repo, timeLimit, tally);
            if (done) break;
            // the watchdog named the input it stopped (the worker may have started the next one as it exited)
            if (fatal is { } f) at = f;
            else tally.Crashes.Add(new(target.Name, seed, at, "process death", $"exit code {exitCode}: {stderr}"));
            next = at + 1;
        }
        return new FuzzReport(target.Name, seed, count, tally.Accepted, tally.Crashes, clock.Elapsed,
            [.. tally.Slowest.OrderByDescending(s => s.Seconds).Take(3)]);
    }

    private static (long At, long? Fatal, bool Done, int ExitCode, string Stderr) RunWorker(
        string target, int seed, long start, long count, string repo, string? timeLimit, Tally tally)
    {
        var info = new ProcessStartInfo
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        // `dotnet ShuffleNet.Fuzz.dll ...` or the apphost
        bool viaDotnet = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet";
        info.FileName = viaDotnet ? "dotnet" : Environment.ProcessPath!;
        if (viaDotnet) info.ArgumentList.Add(typeof(Supervisor).Assembly.Location);
        foreach (var a in new[] { "worker", target, Str(seed), Str(start), Str(count), "--repo", repo })
            info.ArgumentList.Add(a);
        if (timeLimit is not null) { info.ArgumentList.Add("--time-limit"); info.ArgumentList.Add(timeLimit); }
        info.Environment["DOTNET_GCHeapHardLimit"] = "0x" + WorkerHeapLimit.ToString("x", Inv);
        using var process = Process.Start(info)!;
        var errors = new Queue<string>();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not { } line) return;
            lock (errors)
            {
                errors.Enqueue(line);
                if (errors.Count > 4) errors.Dequeue();
            }
        };
        process.BeginErrorReadLine();
        long at = start - 1;
        long? fatal = null;
        bool done = false;
        for (string? line; (line = process.StandardOutput.ReadLine()) is not null;)
        {
            if (line.StartsWith("at ", StringComparison.Ordinal)) at = long.Parse(line[3..], Inv);
            else if (line.Split('\t', 5) is ["crash" or "fatal", var kind, var index, var s, var detail] parts)
            {
                tally.Crashes.Add(new(target, int.Parse(s, Inv), long.Parse(index, Inv), kind, detail));
                if (parts[0] == "fatal") fatal = tally.Crashes[^1].Index;
            }
            else if (line.Split('\t') is ["stats", var accepted, .. var slow])
            {
                tally.Accepted += long.Parse(accepted, Inv);
                foreach (var pair in slow.Select(x => x.Split(':')))
                    tally.Slowest.Add((long.Parse(pair[0], Inv), double.Parse(pair[1], Inv)));
            }
            else if (line == "done") done = true;
        }
        process.WaitForExit();
        string stderr;
        lock (errors) stderr = string.Join(" | ", errors);
        return (at, fatal, done && process.ExitCode == 0, process.ExitCode, stderr);
    }

    /// <summary>The worker side: runs the inputs, reporting each before it starts, and the crashes.</summary>
    public static int Work(FuzzTarget target, int seed, long start, long count)
    {
        static void Report(Crash c, string how = "crash") => Console.Out.WriteLine(
            $"{how}\t{c.Kind}\t{Str(c.Index)}\t{Str(c.Seed)}\t{c.Detail.ReplaceLineEndings(" ")}");
        FuzzRunner.OnInput = i => Console.Out.WriteLine("at " + Str(i));
        FuzzRunner.OnFatal = c => { Report(c, "fatal"); Console.Out.Flush(); ExitNow(3); };
        var report = FuzzRunner.Run(target, seed, start, count);
        foreach (var c in report.Crashes) Report(c);
        var slowest = report.Slowest.Select(x => string.Create(Inv, $"{x.Index}:{x.Seconds:F3}"));
        Console.Out.WriteLine(string.Join('\t', ["stats", Str(report.Accepted), .. slowest]));
        Console.Out.WriteLine("done");
        return 0;
    }

    // Environment.Exit lets the fuzzing thread run on while it shuts down (it may even finish the run); _exit does not
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "_exit")]
    private static extern void ExitNow(int status);

    private static string Str(long v) => v.ToString(Inv);
}
