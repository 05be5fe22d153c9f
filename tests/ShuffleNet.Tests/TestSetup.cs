using System.Runtime.CompilerServices;
using ShuffleNet.Platform;

// libtorch's RNG (manual_seed) and thread count are process-wide: tests that run in parallel would draw from each
// other's seeded streams, and seeded trajectories (resume equals an uninterrupted run) would differ by chance.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace ShuffleNet.Tests;

internal static class TestSetup
{
    // Tests call TorchSharp directly (torch.randn, ...), possibly before any ShuffleNet type: load the native side
    // through the library first, as an application must when it touches TorchSharp before ShuffleNet (README).
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void LoadTorch() => TorchRuntime.EnsureLoaded();
}
