namespace ShuffleNet.Checkpoints.Tests;

/// <summary>The published table: the facts it states, and how names and paths resolve.</summary>
public class ZooTableTests
{
    [Theory]
    [InlineData("shufflenet-v2-1x_16xb64_in1k", "mmpretrain", Width.X1_0, "5bf4721e", 69.55, 88.92)]
    [InlineData("shufflenet_v2_x0_5", "torchvision", Width.X0_5, "f707e7126e", 60.552, 81.746)]
    [InlineData("shufflenet_v2_x1_0", "torchvision", Width.X1_0, "5666bf0f80", 69.362, 88.316)]
    [InlineData("shufflenet_v2_x1_5", "torchvision", Width.X1_5, "3c479a10", 72.996, 91.086)]
    [InlineData("shufflenet_v2_x2_0", "torchvision", Width.X2_0, "8be3c8ee", 76.230, 93.006)]
    public void Every_published_checkpoint_is_in_the_table_with_its_hash_and_accuracy(string name, string source,
        Width width, string hash, double top1, double top5)
    {
        var e = ModelZoo.Default.Find(name)!;
        Assert.Equal((source, width, hash, top1, top5), (e.Source, e.Width, e.HashPrefix, e.Top1!.Value,
            e.Top5!.Value));
        Assert.Equal(e.Source == "torchvision" ? CheckpointLayout.Torchvision : CheckpointLayout.Mmpretrain, e.Layout);
        Assert.Equal("https", e.Url.Scheme);
    }

    [Theory]
    [InlineData("shufflenet-v2-1x_16xb64_in1k", 256)]   // mmpretrain's test pipeline: ResizeEdge(256)
    [InlineData("shufflenet_v2_x0_5", 256)]             // torchvision's ImageClassification default
    [InlineData("shufflenet_v2_x1_0", 256)]
    [InlineData("shufflenet_v2_x1_5", 232)]             // ShuffleNet_V2_X1_5_Weights: resize_size=232
    [InlineData("shufflenet_v2_x2_0", 232)]
    public void Every_checkpoint_carries_the_preprocessing_its_publisher_evaluates_it_with(string name, int resize)
    {
        var zoo = ModelZoo.Default;
        var e = zoo.Find(name)!;
        Assert.Equal(new EvalPreprocessing(resize, 224), e.Preprocessing);
        Assert.Same(e, zoo.FindByFile(zoo.CachePath(e)));              // a cached file is known by its name
        Assert.Same(e, zoo.FindByFile(Path.Combine("/elsewhere", e.FileName)));
        Assert.Null(zoo.FindByFile("/elsewhere/my-finetune.pth"));
    }

    [Fact]
    public void The_cache_folder_follows_shufflenet_cache_then_xdg_cache_home()
    {
        var (own, xdg) = (Environment.GetEnvironmentVariable("SHUFFLENET_CACHE"),
            Environment.GetEnvironmentVariable("XDG_CACHE_HOME"));
        try
        {
            Environment.SetEnvironmentVariable("SHUFFLENET_CACHE", null);
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", "/x/cache");
            Assert.Equal("/x/cache/shufflenet", ModelZoo.DefaultCacheDirectory());
            Environment.SetEnvironmentVariable("SHUFFLENET_CACHE", "/y/zoo");
            Assert.Equal("/y/zoo/checkpoints/shufflenetv2_x1-5666bf0f80.pth",
                ModelZoo.Default.CachePath(ModelZoo.Default.Find("shufflenet_v2_x1_0")!));
        }
        finally
        {
            Environment.SetEnvironmentVariable("SHUFFLENET_CACHE", own);
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", xdg);
        }
    }

    [Fact]
    public void An_existing_file_resolves_to_itself_without_a_zoo_lookup()
    {
        var path = TestData.Fixture("tiny_zip.pt");
        Assert.Equal(path, CheckpointResolver.Resolve(path, new ModelZoo([], "/nonexistent")));
    }

    [Fact]
    public void An_unknown_name_lists_the_known_ones()
    {
        var e = Assert.Throws<CheckpointException>(() => CheckpointResolver.Resolve("shufflenet_v3", ModelZoo.Default));
        Assert.Contains("'shufflenet_v3' is neither a file nor a known model name", e.Message);
        Assert.Contains("shufflenet_v2_x2_0", e.Message);
    }

    [Fact]
    public void A_missing_path_says_it_does_not_exist()
    {
        var e = Assert.Throws<CheckpointException>(() => CheckpointResolver.Resolve("/nonexistent/x.pth",
            ModelZoo.Default));
        Assert.Equal("checkpoint '/nonexistent/x.pth' does not exist", e.Message);
    }

    [Fact]
    public void An_entry_that_cannot_be_verified_is_refused()
    {
        var entry = new ZooEntry("x", "test", Width.X1_0, CheckpointLayout.Mmpretrain,
            new("https://example.org/plain.pth"), null, null);
        var e = Assert.Throws<ArgumentException>(() => new ModelZoo([entry], "/tmp"));
        Assert.Contains("cannot be verified", e.Message);
    }
}
