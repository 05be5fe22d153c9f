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

    [Fact]
    public void Cuda_without_a_gpu_says_how_to_get_one()
    {
        if (TorchSharp.torch.cuda.is_available()) return; // on a GPU machine there is nothing to refuse
        var e = Assert.Throws<ArgumentException>(() => Devices.Parse("cuda"));
        Assert.Contains("LIBTORCH_PATH", e.Message);
    }
}
