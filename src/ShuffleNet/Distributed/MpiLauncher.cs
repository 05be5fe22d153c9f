using System.Diagnostics;

namespace ShuffleNet.Distributed;

/// <summary>
/// Starts N ranks of a program on this machine with MPICH's <c>mpiexec -n N</c> (what <c>--nproc-per-node</c> does).
/// </summary>
public static class MpiLauncher
{
    /// <summary>
    /// The command <c>mpiexec -n <paramref name="ranks"/> <paramref name="program"/> <paramref name="args"/></c>; every
    /// rank inherits this process's environment (Hydra's default), plus <c>PMI_RANK</c>/<c>PMI_SIZE</c> that Hydra
    /// sets.
    /// </summary>
    /// <exception cref="DistributedException">mpiexec is not installed.</exception>
    public static ProcessStartInfo StartInfo(int ranks, string program, IEnumerable<string> args)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ranks, 1);
        var info = new ProcessStartInfo(FindMpiexec()) { UseShellExecute = false };
        foreach (var a in (string[])["-n", ranks.ToString(System.Globalization.CultureInfo.InvariantCulture), program,
            .. args]) info.ArgumentList.Add(a);
        return info;
    }

    /// <summary>The full path of <c>mpiexec</c> on PATH.</summary>
    /// <exception cref="DistributedException">It is not there.</exception>
    public static string FindMpiexec()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator,
            StringSplitOptions.RemoveEmptyEntries))
        {
            var path = Path.Combine(dir, "mpiexec");
            if (File.Exists(path)) return path;
        }
        throw new DistributedException("mpiexec is not on PATH; run tools/setup.sh (it installs Debian's mpich) or " +
            "'apt-get install mpich'");
    }
}
