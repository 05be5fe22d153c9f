using ShuffleNet.Data;
using ShuffleNet.Tests.Data;
using ShuffleNet.Training;
using ShuffleNet.Vision.Datasets;
using ShuffleNet.Vision.Transforms;

namespace ShuffleNet.Tests.Training;

public class AugmentConfigTests
{
    [Fact]
    public void Both_are_off_by_default()
    {
        var d = ConfigLoader.Parse("{}", "x.json").Data;
        Assert.Null(AugmentConfigs.Build(d));
    }

    [Fact]
    public void Rand_augment_takes_mmpretrains_names_and_the_imagenet_recipes_defaults()
    {
        var d = ConfigLoader.Parse("""{"data": {"rand_augment": {"policies": "timm_increasing"}}}""", "x.json").Data;
        var t = Assert.IsType<RandAugment>(AugmentConfigs.Build(d));
        Assert.Equal(2, t.NumPolicies);
        Assert.Equal(new AugmentSettings(9, 0.5, 10, [128], null) with { PadVal = t.Settings.PadVal }, t.Settings);
        Assert.Equal([128], t.Settings.PadVal);
        Assert.Same(RandAugment.TimmIncreasing, t.Policies);

        d = ConfigLoader.Parse("{}", "x.json", ["data.rand_augment.policies=timm_increasing",
            "data.rand_augment.num_policies=3", "data.rand_augment.magnitude_level=7", "data.rand_augment.pad_val=104",
            "data.rand_augment.magnitude_std=0", "data.rand_augment.interpolation=bicubic"]).Data;
        t = Assert.IsType<RandAugment>(AugmentConfigs.Build(d));
        Assert.Equal((3, 7.0, 0.0, (byte)104, Resample.Bicubic),
            (t.NumPolicies, t.Settings.MagnitudeLevel, t.Settings.MagnitudeStd, t.Settings.PadVal[0],
             t.Settings.Interpolation));
    }

    [Fact]
    public void Auto_augment_builds_the_imagenet_policies()
    {
        var d = ConfigLoader.Parse("""{"data": {"auto_augment": {"policies": "imagenet", "pad_val": 0}}}""", "x").Data;
        var t = Assert.IsType<AutoAugment>(AugmentConfigs.Build(d));
        Assert.Same(AutoAugment.ImageNet, t.Policies);
        Assert.Equal([0], t.Settings.PadVal);
    }

    [Theory]
    [InlineData("""{"rand_augment": {"policies": "rand-m9"}}""", "'data.rand_augment.policies' is rand-m9")]
    [InlineData("""{"rand_augment": {"num_policies": 0}}""", "'data.rand_augment.num_policies' is 0")]
    [InlineData("""{"rand_augment": {"total_level": 0}}""", "'data.rand_augment.total_level' is 0")]
    [InlineData("""{"rand_augment": {"magnitude_level": -1}}""", "'data.rand_augment.magnitude_level' is -1")]
    [InlineData("""{"rand_augment": {"magnitude_std": -0.5}}""", "'data.rand_augment.magnitude_std' is -0.5")]
    [InlineData("""{"rand_augment": {"pad_val": 256}}""", "'data.rand_augment.pad_val' is 256")]
    [InlineData("""{"rand_augment": {"interpolation": "lanczos"}}""", "'data.rand_augment.interpolation' is lanczos")]
    [InlineData("""{"auto_augment": {"policies": "cifar10"}}""", "'data.auto_augment.policies' is cifar10")]
    [InlineData("""{"auto_augment": {"pad_val": -1}}""", "'data.auto_augment.pad_val' is -1")]
    [InlineData("""{"auto_augment": {"policies": "imagenet"}, "rand_augment": {"policies": "timm_increasing"}}""",
        "'data.auto_augment.policies' is imagenet; it must be empty while data.rand_augment.policies is set")]
    [InlineData("""{"rand_augment": {"policy": "timm_increasing"}}""", "unknown key 'data.rand_augment.policy'")]
    public void A_bad_value_is_an_error_naming_the_key(string data, string expected) =>
        Assert.Contains(expected, Assert.Throws<ConfigException>(
            () => ConfigLoader.Parse($$"""{"data": {{data}}}""", "x.json")).Message);

    [Fact]
    public void A_bad_set_names_the_set() =>
        Assert.StartsWith("--set data.rand_augment.num_policies=0: 'data.rand_augment.num_policies' is 0",
            Assert.Throws<ConfigException>(() => ConfigLoader.Parse("{}", "x.json",
                ["data.rand_augment.num_policies=0"])).Message);

    [Fact]
    public void The_fashion_mnist_training_source_augments_reproducibly_from_the_seed()
    {
        var rng = new Random(2);
        var images = new byte[48 * 28 * 28];
        for (int i = 0; i < images.Length; i++) images[i] = (byte)(i % 28 * 9 + rng.Next(8));   // some structure
        var labels = Enumerable.Range(0, 48).Select(i => (long)(i % 10)).ToArray();
        var dataset = new ArrayDataset(images, labels, 1, 28, 28, IdxDataset.FashionMnistClasses);
        var d = ConfigLoader.Parse("""{"data": {"rand_augment": {"policies": "timm_increasing"}}}""", "x").Data;
        DatasetSource Source(IImageTransform? augment, int seed) =>
            new(dataset, Presets.FashionMnistTrain(augment: augment), 16, train: true, seed);
        float[] Epoch(DatasetSource s) => [.. s.Epoch(0).SelectMany(b => b.Images)];
        var augmented = Epoch(Source(AugmentConfigs.Build(d), 1));
        Assert.Equal(augmented, Epoch(Source(AugmentConfigs.Build(d), 1)));
        Assert.NotEqual(augmented, Epoch(Source(AugmentConfigs.Build(d), 2)));
        Assert.NotEqual(augmented, Epoch(Source(null, 1)));
        Assert.IsType<RandAugment>(Presets.FashionMnistTrain(augment: AugmentConfigs.Build(d)).ImageSteps.Single());
        var imagenet = Presets.ImageNetTrain(augment: AugmentConfigs.Build(d));
        Assert.IsType<RandAugment>(imagenet.ImageSteps[^1]);   // after RandomResizedCrop and RandomFlip
        Assert.True(imagenet.RegionDecode);
    }
}
