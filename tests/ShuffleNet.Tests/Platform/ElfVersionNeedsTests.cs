using System.Diagnostics;
using ShuffleNet.Platform;

namespace ShuffleNet.Tests.Platform;

public class ElfVersionNeedsTests
{
    // the shim exactly as the TorchSharp package ships it (the copy in the output folder may already be patched)
    private static string PackagedShim()
    {
        var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return Path.Combine(root, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
    }

    private static string ReadElf(string path)
    {
        var psi = new ProcessStartInfo("readelf", ["-V", path]) { RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var text = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return text;
    }

    [Fact]
    public void Requirements_listed_match_readelf()
    {
        var reqs = ElfVersionNeeds.Read(File.ReadAllBytes(PackagedShim()));
        var text = ReadElf(PackagedShim());
        Assert.Contains(reqs, r => r.File == "libstdc++.so.6" && r.Version == TorchRuntime.UnusedGlibcxxVersion
            && r.Flags == 0);
        foreach (var r in reqs) Assert.Contains($"Name: {r.Version}", text);
        Assert.Equal(text.Split('\n').Count(l => l.Contains("Name: ") && l.Contains("Flags:")), reqs.Count);
    }

    [Fact]
    public void Marking_weak_changes_only_that_requirement_as_readelf_sees_it()
    {
        var bytes = File.ReadAllBytes(PackagedShim());
        var before = ElfVersionNeeds.Read(bytes);
        Assert.True(ElfVersionNeeds.MarkWeak(bytes, TorchRuntime.UnusedGlibcxxVersion));
        Assert.False(ElfVersionNeeds.MarkWeak(bytes, TorchRuntime.UnusedGlibcxxVersion)); // idempotent

        var path = Path.Combine(Path.GetTempPath(), $"shim-{Guid.NewGuid():N}.so");
        try
        {
            File.WriteAllBytes(path, bytes);
            var text = ReadElf(path);
            Assert.Matches($@"Name: {TorchRuntime.UnusedGlibcxxVersion}\s+Flags: WEAK", text);
            Assert.Equal(1, text.Split('\n').Count(l => l.Contains("Flags: WEAK")));
        }
        finally { File.Delete(path); }

        var after = ElfVersionNeeds.Read(bytes);
        Assert.Equal(before.Select(r => (r.Version, r.Flags | (r.Version == TorchRuntime.UnusedGlibcxxVersion
            ? ElfVersionNeeds.WeakFlag : 0))),
                     after.Select(r => (r.Version, (int)r.Flags)));
        Assert.Equal(File.ReadAllBytes(PackagedShim()).Length, bytes.Length);
    }

    [Fact]
    public void Non_elf_input_is_rejected() =>
        Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.Read("not an elf file at all, just text"u8.ToArray()
            .Concat(new byte[64]).ToArray()));

    [Fact]
    public void Shim_in_the_output_folder_loads_and_libtorch_comes_from_the_package()
    {
        TorchRuntime.EnsureLoaded();
        using var t = TorchSharp.torch.ones(2, 2);
        Assert.Equal(4f, t.sum().item<float>());
        Assert.Equal(Path.GetDirectoryName(typeof(TorchSharp.torch).Assembly.Location), TorchRuntime.LibTorchDirectory);
        var maps = File.ReadAllText("/proc/self/maps");
        var torchCpu = maps.Split('\n').Where(l => l.EndsWith("/libtorch_cpu.so")).Select(l => l[(l.IndexOf('/'))..])
            .Distinct().ToList();
        Assert.Equal([Path.Combine(TorchRuntime.LibTorchDirectory!, "libtorch_cpu.so")], torchCpu);
    }
}
