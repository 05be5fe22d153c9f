using System.Globalization;
using ShuffleNet.Fuzz;

// ShuffleNet.Fuzz: see fuzz/README.md. Commands:
//   run [--targets a,b] [--inputs N] [--seed S] [--start I] [--in-process] [--out DIR] [--time-limit S]
//       fuzz, print the figures, save the crashing inputs
//   input TARGET SEED INDEX FILE     write one generated input to FILE
//   replay TARGET FILE...            run files through a target once each
//   worker TARGET SEED START COUNT   (the supervisor's child process)
var options = Options.Parse(args);
string repo = options.Value("--repo") ?? FindRepo();
var inv = CultureInfo.InvariantCulture;
switch (options.Positional.FirstOrDefault())
{
    case "run":
    {
        var names = options.Value("--targets")?.Split(',') ?? Targets.Names;
        long inputs = long.Parse(options.Value("--inputs") ?? "10000", inv);
        long start = long.Parse(options.Value("--start") ?? "0", inv);
        int seed = int.Parse(options.Value("--seed") ?? "1", inv);
        string outDir = options.Value("--out") ?? Path.Combine(repo, "fuzz", "crashes");
        var reports = new List<FuzzReport>();
        foreach (var name in names)
        {
            var target = WithTimeLimit(Targets.Get(name, repo), options);
            var report = options.Flag("--in-process") ? FuzzRunner.Run(target, seed, start, inputs)
                : Supervisor.Run(target, seed, start, inputs, repo, options.Value("--time-limit"));
            Console.WriteLine(report);
            foreach (var c in report.Crashes.Where(c => c.Kind != "harness"))
            {
                Directory.CreateDirectory(outDir);
                File.WriteAllBytes(Path.Combine(outDir, $"{c.Target}-{c.Seed}-{c.Index}.bin"),
                    target.Input(c.Seed, c.Index));
            }
            reports.Add(report);
        }
        Console.WriteLine();
        Console.WriteLine("| target | seed | inputs | crashes | time (s) | inputs/s |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var r in reports)
            Console.WriteLine(string.Create(inv, $"| {r.Target} | {r.Seed} | {r.Inputs:N0} | {r.Crashes.Count} | " +
                $"{r.Elapsed.TotalSeconds:F0} | {r.Inputs / r.Elapsed.TotalSeconds:N0} |"));
        return reports.Sum(r => r.Crashes.Count) == 0 ? 0 : 1;
    }
    case "worker" when options.Positional is [_, var target, var seed, var start, var count]:
        return Supervisor.Work(WithTimeLimit(Targets.Get(target, repo), options),
            int.Parse(seed, inv), long.Parse(start, inv), long.Parse(count, inv));
    case "input" when options.Positional is [_, var target, var seed, var index, var file]:
        File.WriteAllBytes(file, Targets.Get(target, repo).Input(int.Parse(seed, inv), long.Parse(index, inv)));
        return 0;
    case "replay" when options.Positional.Count > 2:
    {
        var target = Targets.Get(options.Positional[1], repo);
        foreach (var file in options.Positional.Skip(2))
        {
            try { target.Run(File.ReadAllBytes(file)); Console.WriteLine($"{file}: accepted"); }
            catch (Exception e) when (target.BadInput.IsInstanceOfType(e))
            {
                Console.WriteLine($"{file}: refused: {e.Message}");
            }
            catch (Exception e)
            {
                var trace = string.Join('\n', e.ToString().Split('\n').Take(12));
                Console.WriteLine($"{file}: CRASH: {trace}");
            }
        }
        return 0;
    }
    default:
        Console.Error.WriteLine("usage: ShuffleNet.Fuzz run [--targets unpickler,zip,legacy,image,config] " +
            "[--inputs N] [--seed S] [--in-process] [--out DIR]");
        Console.Error.WriteLine("       ShuffleNet.Fuzz input TARGET SEED INDEX FILE | replay TARGET FILE... " +
            "(see fuzz/README.md)");
        return 2;
}

// --time-limit S: each input's time limit in seconds (the watchdog's hard limit is three times it)
static FuzzTarget WithTimeLimit(FuzzTarget target, Options options) => options.Value("--time-limit") is { } s
    ? target with
    {
        Limits = target.Limits with { Time = TimeSpan.FromSeconds(double.Parse(s, CultureInfo.InvariantCulture)) },
    }
    : target;

static string FindRepo()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "ShuffleNet.sln"))) return dir.FullName;
    throw new InvalidOperationException("ShuffleNet.sln not found above the program; pass --repo DIR");
}

/// <summary>Positional arguments and <c>--name value</c> options, in any order.</summary>
internal sealed record Options(List<string> Positional, Dictionary<string, string?> Named)
{
    public static Options Parse(string[] args)
    {
        var positional = new List<string>();
        var named = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) positional.Add(args[i]);
            else if (args[i] == "--in-process") named[args[i]] = null;
            else named[args[i]] = i + 1 < args.Length ? args[++i] : null;
        }
        return new(positional, named);
    }

    public string? Value(string name) => Named.GetValueOrDefault(name);

    public bool Flag(string name) => Named.ContainsKey(name);
}
