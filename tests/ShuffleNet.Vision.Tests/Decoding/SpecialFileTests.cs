using System.Diagnostics;
using ShuffleNet.Vision.Datasets;
using ShuffleNet.Vision.Decoding;

namespace ShuffleNet.Vision.Tests.Decoding;

public class SpecialFileTests
{
    [Fact]
    public void A_device_is_refused_without_reading_it() =>   // /dev/zero would fill memory if read to its end
        Assert.Contains("device or pipe", Assert.Throws<ImageDecodeException>(() =>
            ImageDecoder.Default.Decode("/dev/zero")).Message);

    [Fact]
    public void A_fifo_is_refused_without_blocking_on_it()
    {
        var dir = Directory.CreateTempSubdirectory("fifo-image-").FullName;
        var fifo = Path.Combine(dir, "image.png");
        using (var p = Process.Start("mkfifo", [fifo])) p.WaitForExit();
        var decode = Task.Run(() => ImageDecoder.Default.Decode(fifo));
        Assert.True(((IAsyncResult)decode).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(20)),
            "decoding a FIFO blocked");
        Assert.Contains($"'{fifo}'", Assert.IsType<ImageDecodeException>(decode.Exception?.InnerException).Message);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void A_folder_dataset_reads_through_the_same_guard()
    {
        var dir = Directory.CreateTempSubdirectory("fifo-folder-").FullName;
        Directory.CreateDirectory(Path.Combine(dir, "a"));
        using (var p = Process.Start("mkfifo", [Path.Combine(dir, "a", "x.png")])) p.WaitForExit();
        var ds = new ImageFolderDataset(dir);
        Assert.Contains("device or pipe", Assert.Throws<ImageDecodeException>(() => ds.ReadEncoded(0)).Message);
        Directory.Delete(dir, recursive: true);
    }
}
