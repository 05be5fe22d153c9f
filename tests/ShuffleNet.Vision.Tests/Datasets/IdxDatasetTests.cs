using System.Buffers.Binary;
using System.IO.Compression;
using ShuffleNet.Vision.Datasets;

namespace ShuffleNet.Vision.Tests.Datasets;

public class IdxDatasetTests
{
    private static byte[] Idx(int magic, int[] dims, byte[] body)
    {
        var b = new byte[4 + 4 * dims.Length + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(b, magic);
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(4 + 4 * i), dims[i]);
        body.CopyTo(b, 4 + 4 * dims.Length);
        return b;
    }

    private static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest)) gz.Write(data);
        return ms.ToArray();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Idx_files_load_gzipped_or_plain_as_one_channel_images(bool gzip)
    {
        using var d = new TempDir();
        var pixels = Enumerable.Range(0, 3 * 4 * 5).Select(i => (byte)i).ToArray();
        byte[] img = Idx(0x803, [3, 4, 5], pixels), lab = Idx(0x801, [3], [2, 0, 1]);
        var ds = new IdxDataset(d.File("i", gzip ? Gzip(img) : img), d.File("l", gzip ? Gzip(lab) : lab), ["a", "b",
            "c"]);
        Assert.Equal((3, 3, 4, 5), (ds.Count, ds.NumClasses, ds.Height, ds.Width));
        Assert.Equal(2, ds.GetLabel(0));
        using var second = ds.Load(1);
        Assert.Equal((5, 4, 1), (second.Width, second.Height, second.Channels));
        Assert.Equal(pixels[20..40], second.ToArray());
    }

    [Fact]
    public void Idx_errors_name_the_file_for_bad_magic_count_mismatch_and_out_of_range_labels()
    {
        using var d = new TempDir();
        var img = d.File("i", Idx(0x803, [2, 1, 1], [0, 0]));
        Assert.Contains("magic", Assert.Throws<DatasetException>(() => new IdxDataset(d.File("x", Idx(0x801, [2], [0,
            0])), img, ["a"])).Message);
        Assert.Contains("1 labels", Assert.Throws<DatasetException>(() => new IdxDataset(img, d.File("l1", Idx(0x801,
            [1], [0])), ["a"])).Message);
        var ex = Assert.Throws<DatasetException>(() => new IdxDataset(img, d.File("l2", Idx(0x801, [2], [0, 7])), ["a",
            "b"]));
        Assert.Contains("label 7 of sample 1", ex.Message);
        Assert.Contains("l2", ex.Message);
    }

    [SkippableFact]
    public void Fashion_mnist_from_the_debian_package_has_60000_train_and_10000_test_images()
    {
        Skip.IfNot(File.Exists(Path.Combine(IdxDataset.FashionMnistDefaultDir, "t10k-labels-idx1-ubyte.gz")),
            "Fashion-MNIST is not installed (Debian's dataset-fashion-mnist; tools/setup.sh installs it)");
        var train = IdxDataset.FashionMnist(train: true);
        var test = IdxDataset.FashionMnist(train: false);
        Assert.Equal((60000, 10000, 10, 28, 28), (train.Count, test.Count, train.NumClasses, train.Height,
            train.Width));
        Assert.Equal("Ankle boot", train.Classes[9]);
    }
}
