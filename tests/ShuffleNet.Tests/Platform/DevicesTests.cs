using ShuffleNet.Platform;

namespace ShuffleNet.Tests.Platform;

public class DevicesTests
{
    [Fact]
    public void Cpu_parses() => Assert.Equal(TorchSharp.DeviceType.CPU, Devices.Parse("cpu").type);

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:x")]
    [InlineData("cuda:-1")]
    public void Unknown_device_names_are_refused(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => Devices.Parse(text));
        Assert.Contains("cpu, cuda or cuda:N", e.Message);
    }

    [SkippableFact]
    public void Cuda_without_a_gpu_says_how_to_get_one()
    {
        Skip.If(TorchSharp.torch.cuda.is_available(), "a CUDA device is present: there is no missing GPU to refuse");
        var e = Assert.Throws<ArgumentException>(() => Devices.Parse("cuda"));
        Assert.Contains("LIBTORCH_PATH", e.Message);
    }

    [SkippableFact]
    public void Cuda_parses_where_a_gpu_is_present_and_a_missing_index_is_refused()
    {
        Skip.IfNot(TorchSharp.torch.cuda.is_available(), "no CUDA device in this process (no GPU, or CPU libtorch)");
        Assert.Equal(TorchSharp.DeviceType.CUDA, Devices.Parse("cuda").type);
        int count = TorchSharp.torch.cuda.device_count();
        var e = Assert.Throws<ArgumentException>(() => Devices.Parse($"cuda:{count}"));
        Assert.Contains($"{count} CUDA device(s)", e.Message);
    }
}
