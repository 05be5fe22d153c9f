using System.Text.Json.Nodes;
using ShuffleNet.Training;

namespace ShuffleNet.Tests.Training;

public class ConfigLoaderTests
{
    public static TheoryData<string> Recipes() => [.. Directory.GetFiles(Path.Combine(Paths.RepoRoot, "configs"),
        "*.json").Select(f => Path.GetFileName(f))];

    [Theory]
    [MemberData(nameof(Recipes))]
    public void Every_recipe_in_configs_parses(string file) =>
        Assert.NotNull(ConfigLoader.Load(Path.Combine(Paths.RepoRoot, "configs", file)));

    [Fact]
    public void The_built_in_default_equals_its_file_in_configs() =>
        Assert.Equal(ConfigLoader.Load(Path.Combine(Paths.RepoRoot, "configs", DefaultRecipe.Name + ".json")),
            DefaultRecipe.Load());

    [Fact]
    public void An_unknown_key_is_an_error_naming_its_dotted_path()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("""{"optimizer": {"lrr": 0.1}}""", "x.json"));
        Assert.Contains("'optimizer.lrr'", e.Message);
        Assert.Contains("lr, momentum", e.Message);
    }

    // found by fuzz/ShuffleNet.Fuzz (config target): 1e999 read as infinity, then ToJson (checkpoint meta) threw
    [Theory]
    [InlineData("""{"schedule": {"eta_min": 1e999}}""", "'schedule.eta_min' is Infinity; it must be a finite number")]
    [InlineData("""{"optimizer": {"lr": -1e400}}""", "'optimizer.lr' is -Infinity; it must be a finite number")]
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
    [InlineData("""{"run": {"device": "gpu"}}""", "'run.device' is gpu; it must be cpu, cuda or cuda:N")]
    [InlineData("""{"run": {"device": "cuda:-1"}}""", "'run.device' is cuda:-1")]
    public void A_value_out_of_range_is_an_error_naming_key_and_value(string json, string expected) =>
        Assert.Contains(expected, Assert.Throws<ConfigException>(() => ConfigLoader.Parse(json, "x.json")).Message);

    [Fact]
    public void Set_overrides_a_value_with_its_type()
    {
        var c = ConfigLoader.Parse("{}", "x", ["optimizer.lr=0.25", "model.stem.max_pool=false", "data.root=/tmp/x",
            "schedule.epochs=3"]);
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
        Assert.Contains(expected, Assert.Throws<ConfigException>(() => ConfigLoader.ApplyOverride(new JsonObject(),
            assignment)).Message);

    [Fact]
    public void The_json_written_into_checkpoints_reads_back_as_the_same_config()
    {
        var c = DefaultRecipe.Load(["optimizer.lr=0.3"]);
        Assert.Equal(c, ConfigLoader.Parse(ConfigLoader.ToJson(c), "meta.config"));
    }

    // every floating-point key of the records, dotted: "optimizer.lr", "schedule.power", ...
    public static TheoryData<string> DoubleKeys()
    {
        var data = new TheoryData<string>();
        void Walk(Type t, string prefix)
        {
            foreach (var p in t.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First()
                .GetParameters())
            {
                var key = prefix + ConfigLoader_Snake(p.Name!);
                if (p.ParameterType.Name.EndsWith("Config", StringComparison.Ordinal)) Walk(p.ParameterType, key + ".");
                else if (p.ParameterType == typeof(double)) data.Add(key);
            }
        }
        Walk(typeof(TrainConfig), "");
        return data;
    }

    private static string ConfigLoader_Snake(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "")
            + char.ToLowerInvariant(c) : c.ToString()));

    [Fact]
    public void There_are_floating_point_keys_to_check() => Assert.True(DoubleKeys().Count >= 8);

    [Theory]
    [MemberData(nameof(DoubleKeys))]
    public void A_set_of_nan_or_infinity_is_refused_at_once_naming_the_key(string key)
    {
        foreach (var value in new[] { "NaN", "Infinity", "-Infinity", "1e999" })
        {
            var e = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("{}", "x.json", [$"{key}={value}"]));
            Assert.Contains($"--set {key}={value}", e.Message);
            Assert.Contains("finite", e.Message);
        }
    }

    [Theory]
    [MemberData(nameof(DoubleKeys))]
    public void A_json_number_beyond_double_is_refused_naming_file_and_key(string key)
    {
        var parts = key.Split('.');
        var json = string.Concat(parts.Take(parts.Length - 1).Select(p => $"{{\"{p}\": "))
            + $"{{\"{parts[^1]}\": 1e999}}"
                   + new string('}', parts.Length - 1);
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(json, "x.json"));
        Assert.Contains($"config 'x.json': '{key}' is Infinity; it must be a finite number", e.Message);
    }

    [Fact]
    public void Schedule_power_infinity_is_refused_before_any_work()
    {
        var e = Assert.Throws<ConfigException>(() => DefaultRecipe.Load(["schedule.power=Infinity"]));
        Assert.Equal("--set schedule.power=Infinity: 'schedule.power' is Infinity; it must be a finite number " +
                     "(a positive number)", e.Message);
    }

    [Fact]
    public void A_config_built_in_code_is_checked_by_the_trainer_before_it_touches_the_work_dir()
    {
        var config = TinyRun.Config() with { Schedule = TinyRun.Config()
            .Schedule with { Power = double.PositiveInfinity } };
        var dir = Path.Combine(Path.GetTempPath(), $"never-{Guid.NewGuid():N}");
        var e = Assert.Throws<ConfigException>(() => new Trainer(config, dir, TinyRun.Data(), null).Run());
        Assert.Contains("'schedule.power' is Infinity; it must be a finite number", e.Message);
        Assert.False(Directory.Exists(dir));
    }

    [SkippableFact]
    public void Training_on_cuda_without_a_gpu_is_refused_naming_run_device_before_the_work_dir()
    {
        Skip.If(TorchSharp.torch.cuda.is_available(), "a CUDA device is present: there is no missing GPU to refuse");
        var config = TinyRun.Config() with { Run = TinyRun.Config().Run with { Device = "cuda" } };
        var dir = Path.Combine(Path.GetTempPath(), $"never-{Guid.NewGuid():N}");
        var e = Assert.Throws<TrainingException>(() => new Trainer(config, dir, TinyRun.Data(), null).Run());
        Assert.StartsWith("run.device 'cuda': ", e.Message);
        Assert.Contains("--device cpu", e.Message);
        Assert.False(Directory.Exists(dir));
    }

    // found by fuzz/ShuffleNet.Fuzz (config target) too: .NET's "An item with the same key has already been added"
    [Theory]
    [InlineData("""{"schedule": {"epochs": 1}, "schedule": {"epochs": 2}}""", "key 'schedule' is given twice")]
    [InlineData("""{"optimizer": {"lr": 0.1, "momentum": 0.9, "lr": 0.2}}""", "key 'optimizer.lr' is given twice")]
    [InlineData("""{"run": {}, "run": {}}""", "key 'run' is given twice")]
    [InlineData("""{"model": {"stem": {"stride": 1, "stride": 2}}}""", "key 'model.stem.stride' is given twice")]
    public void A_duplicate_key_is_an_error_naming_the_file_and_key(string json, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(json, "dup.json"));
        Assert.Equal($"config 'dup.json': {expected}; keep one", e.Message);
    }

    [Theory]
    [InlineData("""{"optimizer": {"lr": -1}}""", "config 'x.json': 'optimizer.lr' is -1; it must be a positive number")]
    [InlineData("""{"data": {"batch_size": 100000}}""",
        "config 'x.json': 'data.batch_size' is 100000; it must be in 1..65,536")]
    [InlineData("""{"data": {"crop_size": 4096, "resize_edge": 4096, "batch_size": 60000}}""",
        "'data.batch_size' is 60000; it must be small enough")]
    [InlineData("""{"dist": {"timeout": 0}}""",
        "config 'x.json': 'dist.timeout' is 0; it must be at least 1 (seconds)")]
    [InlineData("""{"dist": {"backend": "gloo"}}""",
        "config 'x.json': 'dist.backend' is gloo; it must be auto or mpi or nccl")]
    public void A_range_error_names_the_file(string json, string expected) =>
        Assert.Contains(expected, Assert.Throws<ConfigException>(() => ConfigLoader.Parse(json, "x.json")).Message);

    [Fact]
    public void A_range_error_from_a_set_names_the_set_not_the_file()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("{}", "x.json", ["optimizer.momentum=1.5"]));
        Assert.Equal("--set optimizer.momentum=1.5: 'optimizer.momentum' is 1.5; it must be in [0, 1)", e.Message);
    }
}
