using System.Diagnostics;
using System.Text.Json;

namespace ShuffleNet.Cli.Tests;

/// <summary>Runs the built CLI (ShuffleNet.Cli.dll beside the tests) as a user would, in a separate process.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public JsonElement Json => JsonDocument.Parse(Stdout).RootElement;
    }

    public static Result Run(params string[] args) => RunWith(new Dictionary<string, string?>(), args);

    /// <summary>
    /// Runs with extra environment variables (e.g. <c>SHUFFLENET_CACHE</c>); a null value removes one.
    /// </summary>
    public static Result RunWith(IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        Execute(environment, null, args);

    /// <summary>Runs, calling <paramref name="observe"/> with the process id every few ms until it exits.</summary>
    public static Result RunObserved(Action<int> observe, params string[] args) =>
        Execute(new Dictionary<string, string?>(), observe, args);

    private static Result Execute(IReadOnlyDictionary<string, string?> environment, Action<int>? observe, string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ShuffleNet.Cli.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        var (limit, clock) = (TimeSpan.FromMinutes(5), Stopwatch.StartNew());
        while (!p.WaitForExit(observe is null ? limit : TimeSpan.FromMilliseconds(5)))
        {
            observe?.Invoke(p.Id);
            if (clock.Elapsed < limit) continue;
            p.Kill(true);
            throw new TimeoutException("shufflenet " + string.Join(' ', args));
        }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    public static string RepoRoot => RepoPaths.Root;

    /// <summary>A file of the PyTorch reference data, <c>tests/reference/NAME</c> (<c>images/coffee.png</c>).</summary>
    public static string Reference(string name) => RepoPaths.Reference(name);

    /// <summary>A fresh temporary folder, deleted on dispose.</summary>
    public sealed class TempDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("shufflenet-cli-").FullName;
        public string File(string name) => System.IO.Path.Combine(Path, name);
        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
