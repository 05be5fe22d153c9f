using System.Diagnostics;
using ShuffleNet.Distributed;

namespace ShuffleNet.Tests.Distributed;

/// <summary>
/// Runs <see cref="RankPrograms"/> as <c>mpiexec -n N dotnet ShuffleNet.Tests.dll</c> and collects exit code and
/// output.
/// </summary>
internal static class MpiRun
{
    public static (int ExitCode, string Output, string OutDir) Start(int ranks, string role, int timeoutSeconds = 120,
        string? outDir = null)
    {
        string mpiexec;
        try { mpiexec = MpiLauncher.FindMpiexec(); }
        catch (DistributedException e) { Assert.Fail(e.Message); throw; }   // not skipped: tools/setup.sh installs it
        outDir ??= Directory.CreateTempSubdirectory("shufflenet-mpi-test-").FullName;
        var assembly = typeof(MpiRun).Assembly.Location;
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { } host && File.Exists(host) ? host
            : "dotnet";
        var info = MpiLauncher.StartInfo(ranks, dotnet, ["exec", assembly]);
        Assert.Equal(mpiexec, info.FileName);
        info.RedirectStandardOutput = info.RedirectStandardError = true;
        info.Environment["DOTNET_STARTUP_HOOKS"] = assembly;
        info.Environment[RankPrograms.RoleVariable] = role;
        info.Environment[RankPrograms.OutVariable] = outDir;
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds)))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"mpiexec -n {ranks} ({role}) did not finish in {timeoutSeconds} s");
        }
        return (p.ExitCode, stdout.Result + stderr.Result, outDir);
    }
}
