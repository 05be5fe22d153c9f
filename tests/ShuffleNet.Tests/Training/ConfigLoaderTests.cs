using System.Text.Json.Nodes;
using ShuffleNet.Training;

namespace ShuffleNet.Tests.Training;

public class ConfigLoaderTests
{
    public static TheoryData<string> Recipes() => [.. Directory.GetFiles(Path.Combine(Paths.RepoRoot, "configs"), "*.json").Select(f => Path.GetFileName(f))];

    [Theory]
    [MemberData(nameof(Recipes))]
    public void Every_recipe_in_configs_parses(string file) =>
        Assert.NotNull(ConfigLoader.Load(Path.Combine(Paths.RepoRoot, "configs", file)));

    [Fact]
    public void The_built_in_default_equals_its_file_in_configs() =>
        Assert.Equal(ConfigLoader.Load(Path.Combine(Paths.RepoRoot, "configs", DefaultRecipe.Name + ".json")), DefaultRecipe.Load());

    [Fact]
    public void An_unknown_key_is_an_error_naming_its_dotted_path()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("""{"optimizer": {"lrr": 0.1}}""", "x.json"));
        Assert.Contains("'optimizer.lrr'", e.Message);
        Assert.Contains("lr, momentum", e.Message);
    }

    // found by fuzz/ShuffleNet.Fuzz (config target): .NET's "An item with the same key has already been added"
    [Theory]
    [InlineData("""{"schedule": {"epochs": 1}, "schedule": {"epochs": 2}}""", "'schedule'")]
    [InlineData("""{"optimizer": {"lr": 0.1, "lr": 0.2}}""", "'lr'")]
    public void A_duplicate_key_is_an_error_naming_the_file_and_key(string json, string key)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(json, "x.json"));
        Assert.Contains("config 'x.json'", e.Message);
        Assert.Contains(key, e.Message);
    }

    // found by fuzz/ShuffleNet.Fuzz (config target): 1e999 read as infinity, then ToJson (checkpoint meta) threw
    [Theory]
    [InlineData("""{"schedule": {"eta_min": 1e999}}""", "'schedule.eta_min' must be a finite number, not 1e999")]
    [InlineData("""{"optimizer": {"lr": -1e400}}""", "'optimizer.lr' must be a finite number, not -1e400")]
    public void A_number_beyond_double_is_an_error_naming_key_and_value(string json, string expected) =>
        Assert.Contains(expected, Assert.Throws<ConfigException>(() => ConfigLoader.Parse(json, "x.json")).Message);

    [Theory]
    [InlineData("schedule.power=Infinity")]
    [InlineData("optimizer.lr=NaN")]
    [InlineData("optimizer.lr=1e999")]
    public void A_set_to_a_non_finite_number_is_an_error(string assignment) =>
        Assert.Contains("must be a finite number", Assert.Throws<ConfigException>(
            () => ConfigLoader.Parse("{}", "x.json", [assignment])).Message);

    [Fact]
    public void A_value_of_the_wrong_type_is_an_error_naming_key_and_value()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("""{"optimizer": {"lr": "fast"}}""", "x.json"));
        Assert.Contains("'optimizer.lr'", e.Message);
        Assert.Contains("\"fast\"", e.Message);
    }

    [Theory]
    [InlineData("""{"optimizer": {"lr": -1}}""", "'optimizer.lr' is -1")]
    [InlineData("""{"model": {"width": "3x"}}""", "'model.width' is 3x")]
    [InlineData("""{"schedule": {"policy": "step"}}""", "'schedule.policy' is step")]
    [InlineData("""{"data": {"random_erasing": 1.5}}""", "'data.random_erasing' is 1.5")]
    [InlineData("""{"model": {"num_classes": 2.5}}""", "'model.num_classes' must be an integer, not 2.5")]
    public void A_value_out_of_range_is_an_error_naming_key_and_value(string json, string expected) =>
        Assert.Contains(expected, Assert.Throws<ConfigException>(() => ConfigLoader.Parse(json, "x.json")).Message);

    [Fact]
    public void Set_overrides_a_value_with_its_type()
    {
        var c = ConfigLoader.Parse("{}", "x", ["optimizer.lr=0.25", "model.stem.max_pool=false", "data.root=/tmp/x", "schedule.epochs=3"]);
        Assert.Equal(0.25, c.Optimizer.Lr);
        Assert.False(c.Model.Stem.MaxPool);
        Assert.Equal("/tmp/x", c.Data.Root);
        Assert.Equal(3, c.Schedule.Epochs);
    }

    [Theory]
    [InlineData("optimizer.lrr=0.25", "unknown key 'optimizer.lrr'")]
    [InlineData("optimiser.lr=0.25", "unknown key 'optimiser'")]
    [InlineData("model.num_classes=ten", "'model.num_classes' must be an integer, not 'ten'")]
    [InlineData("model.stem=1", "'model.stem' is a section")]
    [InlineData("optimizer.lr", "is not key=value")]
    public void A_bad_set_is_an_error_naming_the_key(string assignment, string expected) =>
        Assert.Contains(expected, Assert.Throws<ConfigException>(() => ConfigLoader.ApplyOverride(new JsonObject(), assignment)).Message);

    [Fact]
    public void The_json_written_into_checkpoints_reads_back_as_the_same_config()
    {
        var c = DefaultRecipe.Load(["optimizer.lr=0.3"]);
        Assert.Equal(c, ConfigLoader.Parse(ConfigLoader.ToJson(c), "meta.config"));
    }
}
