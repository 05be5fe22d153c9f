using ShuffleNet.Tests.Distributed;

/// <summary>
/// The .NET startup hook (<c>DOTNET_STARTUP_HOOKS=.../ShuffleNet.Tests.dll</c>): the runtime calls
/// <see cref="Initialize"/> before the assembly's generated Main. Only <see cref="MpiRun"/> sets the variables; in a
/// test run nothing happens.
/// </summary>
internal static class StartupHook
{
    public static void Initialize()
    {
        if (Environment.GetEnvironmentVariable(RankPrograms.RoleVariable) is not { } role) return;
        int code;
        try { code = RankPrograms.Run(role, Environment.GetEnvironmentVariable(RankPrograms.OutVariable) ?? "."); }
        catch (Exception e) { Console.Error.WriteLine($"rank program '{role}' failed: {e}"); code = 1; }
        Environment.Exit(code);
    }
}
