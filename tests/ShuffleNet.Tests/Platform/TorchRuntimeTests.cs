using System.Runtime.InteropServices;
using ShuffleNet.Platform;

namespace ShuffleNet.Tests.Platform;

public class TorchRuntimeTests
{
    [Fact]
    public void Libtorch_logs_at_the_level_the_environment_asks_for_and_errors_only_by_default()
    {
        // the flag c10's LOG(...) reads: warnings about the machine (NNPACK on AMD Zen 5) must not reach stderr
        var c10 = NativeLibrary.Load(Path.Combine(TorchRuntime.LibTorchDirectory!, "libc10.so"));
        Assert.True(NativeLibrary.TryGetExport(c10, "FLAGS_caffe2_log_level", out var flag));
        var expected = TorchRuntime.CppLogLevel(Environment.GetEnvironmentVariable("TORCH_CPP_LOG_LEVEL"));
        Assert.Equal(expected, Marshal.ReadInt32(flag));
    }

    [Theory]
    [InlineData(null, 2)]
    [InlineData("", 2)]
    [InlineData("info", 0)]
    [InlineData("0", 0)]
    [InlineData("WARNING", 1)]
    [InlineData(" 1 ", 1)]
    [InlineData("ERROR", 2)]
    [InlineData("FATAL", 3)]
    [InlineData("verbose", 2)]
    public void Log_level_settings_read_as_c10_reads_them(string? setting, int level) =>
        Assert.Equal(level, TorchRuntime.CppLogLevel(setting));
}
