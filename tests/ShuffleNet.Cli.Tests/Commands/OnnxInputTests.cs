namespace ShuffleNet.Cli.Tests.Commands;

/// <summary>An .onnx file given to --checkpoint runs in ONNX Runtime without --backend ort.</summary>
public class OnnxInputTests
{
    [Fact]
    public void An_onnx_checkpoint_runs_in_onnx_runtime_without_naming_the_backend()
    {
        using var dir = new CliRunner.TempDir();
        var onnx = dir.File("model.onnx");
        var export = CliRunner.Run("export", "--checkpoint", CliRunner.Reference("mmcls_1.0.pth"), "--output", onnx);
        Assert.Equal(0, export.ExitCode);
        var image = CliRunner.Reference("images/coffee.png");

        var implied = CliRunner.Run("predict", "--checkpoint", onnx, "--json", image);
        var named = CliRunner.Run("predict", "--checkpoint", onnx, "--backend", "ort", "--json", image);
        Assert.True(implied.ExitCode == 0, implied.Stderr);
        Assert.Equal(named.Stdout, implied.Stdout);

        var torch = CliRunner.Run("predict", "--checkpoint", onnx, "--backend", "torch", image);
        Assert.Equal(1, torch.ExitCode);
        var line = Assert.Single(torch.Stderr.Trim().Split('\n'));
        Assert.Contains("model.onnx", line);
        Assert.Contains("--backend ort", line);

        var bench = CliRunner.Run("benchmark", "--checkpoint", onnx, "--batch", "1", "--warmup", "0",
            "--iterations", "1", "--json");
        Assert.True(bench.ExitCode == 0, bench.Stderr);
        var name = Assert.Single(bench.Json.GetProperty("results").EnumerateArray()).GetProperty("name").GetString();
        Assert.Equal("ort model.onnx", name);
    }
}
