using ShuffleNet.Data;
using ShuffleNet.Training;
using ShuffleNet.Vision.Datasets;

namespace ShuffleNet.Tests.Data;

public class ClassSubsetTests
{
    private static ArrayDataset Dataset()
    {
        var labels = new long[] { 0, 1, 2, 3, 2, 1, 0, 3, 2 };
        var pixels = labels.Select((l, i) => (byte)(10 * i + l)).ToArray();   // 1x1 images that say who they are
        return new ArrayDataset(pixels, labels, 1, 1, 1, ["a", "b", "c", "d"]);
    }

    [Fact]
    public void Keeps_the_classes_given_relabelled_in_that_order()
    {
        var subset = new ClassSubset(Dataset(), [2, 0]);
        Assert.Equal(["c", "a"], subset.Classes);
        Assert.Equal(5, subset.Count);
        Assert.Equal([1, 0, 0, 1, 0], Enumerable.Range(0, subset.Count).Select(subset.GetLabel));
        using var third = subset.Load(2);   // the source's sample 4 (label 2)
        Assert.Equal(42, third.Pixels[0]);
        Assert.Equal("array[4]", subset.Describe(2));
    }

    [Fact]
    public void Names_or_indices_parse_and_bad_lists_are_refused()
    {
        var classes = IdxDataset.FashionMnistClasses;
        Assert.Equal([0, 2, 4, 6], ClassSubset.Parse("T-shirt/top, pullover,4,Shirt", classes)!);
        Assert.Null(ClassSubset.Parse(" ", classes));
        Assert.Contains("given twice", Assert.Throws<ArgumentException>(() => ClassSubset.Parse("Coat,4", classes))
            .Message);
        Assert.Contains("0..9", Assert.Throws<ArgumentException>(() => ClassSubset.Parse("10", classes)).Message);
        Assert.Contains("neither", Assert.Throws<ArgumentException>(() => ClassSubset.Parse("Hat", classes)).Message);
        var e = Assert.Throws<ConfigException>(() => TinyRunConfig("data.classes=Coat,Hat"));
        Assert.StartsWith("--set data.classes=Coat,Hat: 'data.classes' is Coat,Hat; it must be Fashion-MNIST classes",
            e.Message);
        Assert.Equal("Coat,Shirt", TinyRunConfig("data.classes=Coat,Shirt").Data.Classes);
    }

    private static TrainConfig TinyRunConfig(string assignment) =>
        ConfigLoader.Parse("""{"data": {"dataset": "fashion_mnist"}, "model": {"stem": {"in_channels": 1}}}""", "t",
            [assignment]);

    [SkippableFact]
    public void A_fashion_mnist_split_has_the_test_images_of_its_classes()
    {
        Skip.IfNot(File.Exists(Path.Combine(IdxDataset.FashionMnistDefaultDir, "t10k-images-idx3-ubyte.gz")),
            "Debian's dataset-fashion-mnist is not installed");
        var config = ConfigLoader.Parse("""{"model": {"num_classes": 4, "stem": {"in_channels": 1}}}""", "t",
        [
            "data.dataset=fashion_mnist", $"data.root={IdxDataset.FashionMnistDefaultDir}",
            "data.classes=T-shirt/top,Pullover,Coat,Shirt",
        ]);
        var (train, val) = TrainData.Create(config);
        Assert.Equal(24000, train.Count);   // 6,000 per class
        Assert.Equal(4000, val.Count);
        Assert.Equal(["T-shirt/top", "Pullover", "Coat", "Shirt"], val.Classes);
        Assert.Equal(3, val.MaxLabel);
    }
}
