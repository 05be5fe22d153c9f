using System.Diagnostics;

namespace ShuffleNet.Fuzz;

/// <summary>One input that crashed: which, how, and the first line of what happened.</summary>
internal sealed record Crash(string Target, int Seed, long Index, string Kind, string Detail)
{
    public override string ToString() => $"{Target} seed {Seed} input {Index}: {Kind}: {Detail}";
}

/// <summary>What a run did: inputs tried, how many were accepted, crashes, wall time, the costliest inputs.</summary>
internal sealed record FuzzReport(string Target, int Seed, long Inputs, long Accepted, IReadOnlyList<Crash> Crashes,
    TimeSpan Elapsed, IReadOnlyList<(long Index, double Seconds)> Slowest)
{
    public override string ToString()
    {
        var slowest = string.Join(", ", Slowest.Select(s => $"#{s.Index} {s.Seconds:F2} s CPU"));
        return $"{Target}: {Inputs:N0} inputs ({Accepted:N0} accepted), {Crashes.Count} crashes, " +
            $"{Elapsed.TotalSeconds:F1} s ({Inputs / Math.Max(Elapsed.TotalSeconds, 1e-9):N0}/s)" +
            (slowest.Length > 0 ? "; slowest: " + slowest : "") +
            string.Concat(Crashes.Take(20).Select(c => "\n  " + c));
    }
}

/// <summary>
/// Runs a target's inputs in this process. Each input's CPU time and managed allocations are counted; an exception
/// other than the target's bad-input type is a crash, and so is an input past its time or memory limit. A watchdog
/// thread catches what cannot be measured afterwards (a hang, native memory growing): in a worker process it reports
/// the input and exits for the <see cref="Supervisor"/> to restart; in-process (the CI run) it fails fast, naming it.
/// </summary>
internal static class FuzzRunner
{
    /// <summary>Called before each input with its index (the worker tells the supervisor where it is).</summary>
    public static Action<long>? OnInput { get; set; }

    /// <summary>What the watchdog does on a hang or a memory blow-up; default: fail fast, naming the input.</summary>
    public static Action<Crash> OnFatal { get; set; } = c => Environment.FailFast("fuzz: " + c);

    public static FuzzReport Run(FuzzTarget target, int seed, long start, long count)
    {
        var crashes = new List<Crash>();
        var slowest = new List<(long Index, double Seconds)>();
        long accepted = 0;
        var total = Stopwatch.StartNew();
        using var watchdog = new Watchdog(target, seed);
        for (long i = start; i < start + count; i++)
        {
            OnInput?.Invoke(i);
            byte[] input;
            try { input = target.Input(seed, i); }
            catch (Exception e)   // a bug of the fuzzer's, not of the target: counted, so that it is seen and fixed
            {
                crashes.Add(new(target.Name, seed, i, "harness", $"{e.GetType().Name} making it: {FirstLine(e)}"));
                continue;
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            // CPU time, not wall time, is the input's cost: on a busy shared machine wall time is mostly waiting
            var cpu = Environment.CpuUsage.TotalTime;
            Exception? error = null;
            watchdog.Begin(i);
            try { target.Run(input); }
            catch (Exception e) { error = e; }
            watchdog.End();
            var seconds = (Environment.CpuUsage.TotalTime - cpu).TotalSeconds;
            allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
            if (error is null) accepted++;
            Crash? crash = error switch
            {
                null => null,
                OutOfMemoryException => new(target.Name, seed, i, "memory", FirstLine(error)),
                _ when target.BadInput.IsInstanceOfType(error) => null,
                _ => new(target.Name, seed, i, "exception",
                    $"{error.GetType().Name}: {FirstLine(error)} at {Where(error)}"),
            };
            if (crash is null && seconds > target.Limits.Time.TotalSeconds)
                crash = new(target.Name, seed, i, "time",
                    $"{seconds:F1} s of CPU (limit {target.Limits.Time.TotalSeconds:F0} s)");
            if (crash is null && allocated > target.Limits.ManagedBytes)
                crash = new(target.Name, seed, i, "memory",
                    $"{allocated >> 20} MB allocated (limit {target.Limits.ManagedBytes >> 20} MB)");
            if (crash is not null) crashes.Add(crash);
            slowest.Add((i, seconds));
            if (slowest.Count > 3) slowest.Remove(slowest.MinBy(s => s.Seconds));
            // give a big input's memory back, so the watchdog's resident figure is about the next input
            if (allocated > 64 << 20) GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }
        return new FuzzReport(target.Name, seed, count, accepted, crashes, total.Elapsed,
            [.. slowest.OrderByDescending(s => s.Seconds)]);
    }

    private static string FirstLine(Exception e) => e.Message.Split('\n')[0];

    private static string Where(Exception e) =>
        e.StackTrace?.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "?";

    /// <summary>Samples the running input's time and the process's resident memory every 20 ms.</summary>
    private sealed class Watchdog : IDisposable
    {
        private readonly FuzzTarget _target;
        private readonly int _seed;
        private readonly Thread _thread;
        private readonly long _baseline = Environment.WorkingSet;
        private volatile bool _stop;
        private volatile Running? _running;   // one reference, so the index and its start are read together

        private sealed record Running(long Index, long Started);

        public Watchdog(FuzzTarget target, int seed)
        {
            (_target, _seed) = (target, seed);
            _thread = new Thread(Loop) { IsBackground = true, Name = "fuzz watchdog" };
            _thread.Start();
        }

        public void Begin(long index) => _running = new(index, Stopwatch.GetTimestamp());

        public void End() => _running = null;

        private void Loop()
        {
            while (!_stop)
            {
                Thread.Sleep(20);
                if (_running is not { } running) continue;
                long index = running.Index;
                var elapsed = Stopwatch.GetElapsedTime(running.Started);
                long grown = Environment.WorkingSet - _baseline;
                // hard limits: ten times the time limit in wall time (a hang; a busy machine stretches wall time, so
                // the CPU-time limit is checked after the input), resident size
                if (elapsed > 10 * _target.Limits.Time)
                    OnFatal(new(_target.Name, _seed, index, "time", $"running after {elapsed.TotalSeconds:F0} s"));
                else if (grown > _target.Limits.ResidentBytes)
                    OnFatal(new(_target.Name, _seed, index, "memory",
                        $"resident memory grew by {grown >> 20} MB (limit {_target.Limits.ResidentBytes >> 20} MB)"));
            }
        }

        public void Dispose() { _stop = true; _thread.Join(); }
    }
}
