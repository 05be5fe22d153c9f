using ShuffleNet.Vision.Datasets;

namespace ShuffleNet.Vision.Tests.Datasets;

public class ClassNamesTests
{
    [Fact]
    public void Built_in_imagenet_names_equal_the_reference_list()
    {
        var reference = File.ReadAllLines(TestPaths.Reference("imagenet_classes.txt"));
        Assert.Equal(1000, ClassNames.ImageNet1k.Count);
        Assert.Equal(reference, ClassNames.ImageNet1k);
    }
}
