namespace ShuffleNet.Cli.Tests.Commands;

public class QuantizeCommandTests
{
    private static string Images => CliRunner.Reference("images");

    [Fact]
    public void Quantize_writes_an_int8_model_the_gate_passed_and_predict_runs_it()
    {
        using var dir = new CliRunner.TempDir();
        var model = dir.File("m.int8.onnx");

        // the reference weights are untrained (near-tied top classes), so agreement is not required here
        var r = CliRunner.Run("quantize", "--checkpoint", CliRunner.Reference("mmcls_1.0.pth"), "--output", model,
            "--calibration", Images,
            "--images", "4", "--batch", "1", "--min-agreement", "0", "--min-speedup", "0", "--json");

        Assert.True(r.ExitCode == 0, r.Stderr);
        var gate = r.Json.GetProperty("gate");
        Assert.True(gate.GetProperty("passed").GetBoolean());
        Assert.Equal(3, gate.GetProperty("images").GetInt32());
        Assert.Equal(1, gate.GetProperty("speed")[0].GetProperty("batch").GetInt32());
        Assert.True(r.Json.GetProperty("written").GetBoolean());
        // no temporary file left
        Assert.Equal(["m.int8.onnx"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));

        var predict = CliRunner.Run("predict", "--checkpoint", model, "--json", Path.Combine(Images, "coffee.png"));
        Assert.True(predict.ExitCode == 0, predict.Stderr);
        var top = predict.Json.GetProperty("top").EnumerateArray().ToList();
        Assert.Equal(5, top.Count);
        // class names from the model's metadata
        Assert.False(string.IsNullOrEmpty(top[0].GetProperty("label").GetString()));
    }

    [Fact]
    public void A_model_the_gate_refuses_is_not_written_and_the_error_says_why()
    {
        using var dir = new CliRunner.TempDir();
        var model = dir.File("m.int8.onnx");

        var r = CliRunner.Run("quantize", "--checkpoint", CliRunner.Reference("mmcls_1.0.pth"), "--output", model,
            "--calibration", Images,
            "--images", "4", "--batch", "1", "--min-agreement", "0", "--min-speedup", "1000");

        Assert.Equal(1, r.ExitCode);
        Assert.False(File.Exists(model));
        var line = Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.StartsWith("error: the int8 model was not written: at batch 1 int8 takes", line);
        Assert.Contains("--force", line);
        Assert.Contains("refused:", r.Stdout);
    }

    [Fact]
    public void The_output_may_not_be_the_checkpoint_and_is_checked_before_calibration()
    {
        using var dir = new CliRunner.TempDir();
        var checkpoint = dir.File("m.pth");
        File.Copy(CliRunner.Reference("mmcls_1.0.pth"), checkpoint);
        var before = File.ReadAllBytes(checkpoint);

        var r = CliRunner.Run("quantize", "--checkpoint", checkpoint, "--output", checkpoint, "--calibration", Images,
            "--force");

        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith("error: ", r.Stderr.Trim());
        Assert.Contains("m.pth", r.Stderr);
        Assert.DoesNotContain("calibrated", r.Stdout);
        Assert.Equal(before, File.ReadAllBytes(checkpoint));
    }

    [Fact]
    public void An_unknown_layer_to_keep_in_fp32_is_a_parse_error()
    {
        var r = CliRunner.Run("quantize", "--checkpoint", "x.pth", "--output", "y.onnx", "--calibration", Images,
            "--keep-fp32", "middle");

        Assert.Equal(1, r.ExitCode);
        Assert.Equal("error: --keep-fp32 'middle' is not known; use first, last or first,last", r.Stderr.Trim());
    }
}
