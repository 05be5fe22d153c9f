namespace ShuffleNet.Cli.Tests.Commands;

public class BenchmarkCommandTests
{
    // spinning is ONNX Runtime's own default, so the benchmark's too; --spin false turns it off
    [Theory]
    [InlineData(null, true)]
    [InlineData("false", false)]
    [InlineData("true", true)]
    public void Benchmark_json_times_each_batch_and_says_whether_onnx_runtime_spun(string? spinArg, bool spin)
    {
        string[] args = ["benchmark", "--arch", "0.5x", "--backend", "ort", "--batch", "1,2", "--image-size", "64",
            "--warmup", "1", "--iterations", "3", "--threads", "1", "--json"];
        var r = CliRunner.Run(spinArg is null ? args : [.. args, "--spin", spinArg]);

        Assert.Equal(0, r.ExitCode);
        Assert.Equal(spin, r.Json.GetProperty("ort_spinning").GetBoolean());
        var results = r.Json.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal([1, 2], results.Select(x => x.GetProperty("batch").GetInt32()));
        Assert.All(results, x =>
        {
            Assert.Equal(3, x.GetProperty("iterations").GetInt32());
            Assert.InRange(x.GetProperty("median_ms").GetDouble(), 1e-3, 1e4);
            Assert.Equal(x.GetProperty("batch").GetInt32() * 1000 / x.GetProperty("median_ms").GetDouble(),
                x.GetProperty("images_per_second").GetDouble(), 6);
        });
    }

    // One pool of N threads runs on the caller and N - 1 workers: a pool of 4 adds 3 threads to a pool of 1, where
    // a pool per case (our export, PyTorch's file) would add 6. Counted in /proc while the cases are timed: .NET names
    // its own threads ".NET ...", ONNX Runtime's workers keep the process's name. The timing phase holds the highest
    // count for a second or more; threads being started show the process's name only for a moment.
    [Fact]
    public void Benchmark_times_our_export_and_an_onnx_file_in_turn_on_one_shared_pool()
    {
        var peer = CliRunner.Reference("pytorch-export_0.5_c10.onnx");
        int NativeThreadsWhileTiming(int threads)
        {
            var counts = new HeldCounts(TimeSpan.FromMilliseconds(250));
            var r = CliRunner.RunObserved(pid => counts.Add(NativeThreads(pid)), "benchmark", "--arch", "0.5x",
                "--backend", "ort", "--onnx", peer, "--batch", "1", "--warmup", "1", "--iterations", "400",
                "--threads", $"{threads}", "--spin", "false", "--json");
            Assert.True(r.ExitCode == 0, r.Stderr);
            var names = r.Json.GetProperty("results").EnumerateArray().Select(x => x.GetProperty("name").GetString());
            Assert.Equal(["ort (our export) 0.5x", "ort pytorch-export_0.5_c10.onnx"], names);
            return counts.HighestHeld;
        }

        Assert.Equal(3, NativeThreadsWhileTiming(4) - NativeThreadsWhileTiming(1));
    }

    /// <summary>The highest of a sampled value's levels that lasted at least <c>minimum</c>.</summary>
    private sealed class HeldCounts(TimeSpan minimum)
    {
        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
        private (int Value, TimeSpan Since)? _current;
        private int _highest = -1;

        public void Add(int value)
        {
            if (_current is { } c && c.Value == value) return;
            Close();
            _current = (value, _clock.Elapsed);
        }

        public int HighestHeld
        {
            get { Close(); _current = null; return _highest; }
        }

        private void Close()
        {
            if (_current is { } c && _clock.Elapsed - c.Since >= minimum) _highest = Math.Max(_highest, c.Value);
        }
    }

    private static int NativeThreads(int pid)
    {
        int count = 0;
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
                if (!File.ReadAllText(Path.Combine(task, "comm")).StartsWith(".NET", StringComparison.Ordinal)) count++;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }   // a thread or process ended
        return count;
    }
}
