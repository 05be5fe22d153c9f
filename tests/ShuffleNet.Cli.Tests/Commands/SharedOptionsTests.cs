namespace ShuffleNet.Cli.Tests.Commands;

/// <summary>An option several verbs share parses and fails alike in each (one definition, Options.cs).</summary>
public class SharedOptionsTests
{
    private static readonly string[] NoModel = ["--checkpoint", "/nonexistent/never-read.pth"];

    public static TheoryData<string[], string> BadValues => new()
    {
        { ["predict", .. NoModel, "--backend", "gpu", "x.png"], "--backend 'gpu' is not known; use torch or ort" },
        { ["test", .. NoModel, "--data", "x", "--backend", "gpu"], "--backend 'gpu' is not known; use torch or ort" },
        { ["benchmark", "--backend", "torch,gpu"], "--backend 'gpu' is not known; use torch or ort" },
        { ["guidelines", "--backend", "gpu"], "--backend 'gpu' is not known; use torch or ort" },
        { ["compare", "--backend", "gpu"], "--backend 'gpu' is not known; use torch or ort" },
        { ["export", .. NoModel, "--output", "x.onnx", "--batch", "0"],
            "--batch '0' is not a positive integer or 'dynamic'" },
        { ["benchmark", "--batch", "1,x"], "--batch '1,x' is not a comma-separated list of positive integers" },
        { ["guidelines", "--batch", "0"], "--batch '0' is not a positive integer" },
        { ["compare", "--batch", "1,8"], "--batch '1,8' is not a positive integer" },
        { ["predict", .. NoModel, "--threads", "0", "x.png"], "--threads must be at least 1 (got 0)" },
        { ["test", .. NoModel, "--data", "x", "--threads", "0"], "--threads must be at least 1 (got 0)" },
        { ["benchmark", "--threads", "0"], "--threads must be at least 1 (got 0)" },
        { ["benchmark", "--iterations", "0"], "--iterations must be at least 1 (got 0)" },
        { ["guidelines", "--warmup", "-1"], "--warmup must be at least 0 (got -1)" },
        { ["predict", .. NoModel, "--topk", "0", "x.png"], "--topk must be at least 1 (got 0)" },
        { ["info", "--arch", "3x"], "--arch '3x' is not a ShuffleNet V2 width; use 0.5x, 1.0x, 1.5x or 2.0x" },
        { ["benchmark", "--arch", "3x"], "--arch '3x' is not a ShuffleNet V2 width; use 0.5x, 1.0x, 1.5x or 2.0x" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void A_bad_value_is_one_error_line_before_anything_runs(string[] args, string message)
    {
        var r = CliRunner.Run(args);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("", r.Stdout);   // no help dump, no model loaded
        var line = Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.StartsWith("error: ", line);
        Assert.Contains(message, line);
    }

    [Theory]
    [InlineData("torch")]
    [InlineData("TORCH")]
    [InlineData("Torch")]
    public void Backend_names_are_read_in_any_case(string name)
    {
        var r = CliRunner.Run("guidelines", "--only", "G4", "--setup", "Arm", "--backend", name,
            "--iterations", "1", "--warmup", "0", "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal("Torch", r.Json.GetProperty("backend").GetString());
    }
}
