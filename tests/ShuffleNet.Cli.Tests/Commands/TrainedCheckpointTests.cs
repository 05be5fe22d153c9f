using System.Buffers.Binary;
using System.Text.Json;

namespace ShuffleNet.Cli.Tests.Commands;

/// <summary>
/// What `shufflenet train` writes with the default recipe (1 channel, stride-1 stem with max-pool) goes through
/// export, test and predict in ONNX Runtime with the answers TorchSharp gives.
/// </summary>
public class TrainedCheckpointTests(TrainedCheckpointTests.TrainedRun run)
    : IClassFixture<TrainedCheckpointTests.TrainedRun>
{
    /// <summary>One short `shufflenet train` run (default recipe, a tiny IDX folder) that the tests share.</summary>
    public sealed class TrainedRun : IDisposable
    {
        private readonly CliRunner.TempDir _dir = new();

        public TrainedRun()
        {
            WriteIdx(Data, "train", 128);
            WriteIdx(Data, "t10k", 48);
            var train = CliRunner.Run("train", "--data", Data, "--work-dir", File("work"),
                "--set", "schedule.epochs=2", "--set", "data.batch_size=16", "--set", "run.log_interval=1");
            Assert.True(train.ExitCode == 0, train.Stdout + train.Stderr);
        }

        public string Data => File("fashion-mnist");
        public string Checkpoint => File("work/latest.pth");
        public string File(string name) => _dir.File(name);
        public void Dispose() => _dir.Dispose();
    }

    [Fact]
    public void The_default_recipes_checkpoint_exports_and_runs_in_onnx_runtime_as_in_torchsharp()
    {
        var (data, checkpoint) = (run.Data, run.Checkpoint);

        var export = CliRunner.Run("export", "--checkpoint", checkpoint, "--output", run.File("model.onnx"), "--json");
        Assert.True(export.ExitCode == 0, export.Stderr);
        Assert.Equal([1, 28, 28], export.Json.GetProperty("input").EnumerateArray().Select(e => e.GetInt32()));
        var stem = export.Json.GetProperty("stem");
        Assert.Equal((1, 1, true), (stem.GetProperty("in_channels").GetInt32(), stem.GetProperty("stride").GetInt32(),
            stem.GetProperty("max_pool").GetBoolean()));

        var torch = CliRunner.Run("test", "--checkpoint", checkpoint, "--data", data, "--json",
            "--report", run.File("report-torch"));
        var ort = CliRunner.Run("test", "--checkpoint", checkpoint, "--data", data, "--backend", "ort", "--json");
        var onnx = CliRunner.Run("test", "--checkpoint", run.File("model.onnx"), "--data", data, "--json",
            "--report", run.File("report-onnx"));
        foreach (var r in new[] { torch, ort, onnx }) Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal(48, torch.Json.GetProperty("images").GetInt32());
        Assert.Equal(["torch", "ort", "ort"],
            new[] { torch, ort, onnx }.Select(r => r.Json.GetProperty("backend").GetString()));
        double Get(CliRunner.Result r, string key) => r.Json.GetProperty(key).GetDouble();
        foreach (var r in new[] { ort, onnx })
        {
            Assert.Equal(Get(torch, "accuracy_top1"), Get(r, "accuracy_top1"));
            Assert.Equal(Get(torch, "accuracy_top5"), Get(r, "accuracy_top5"));
            Assert.Equal(Get(torch, "loss"), Get(r, "loss"), 1e-4);
        }
        // the report of the IDX test set, gallery included, from TorchSharp and from the ONNX file alike
        Assert.Equal(File.ReadAllText(run.File("report-torch/confusion_matrix.csv")),
            File.ReadAllText(run.File("report-onnx/confusion_matrix.csv")));
        foreach (var png in new[] { "confusion_matrix.png", "mistakes.png" })
            Assert.True(new FileInfo(run.File($"report-onnx/{png}")).Length > 1000, png);

        // Grad-CAM of the grayscale model: its stage3 map is 4x4 over a 28x28 input
        var cam = CliRunner.Run("cam", "--checkpoint", checkpoint, "--target-layer", "stage3", "--output",
            run.File("cam"), "--json", CliRunner.Reference("images/coffee.png"));
        Assert.True(cam.ExitCode == 0, cam.Stderr);
        Assert.True(File.Exists(run.File("cam/coffee.cam.png")));
        Assert.Equal("backbone.layers.1", cam.Json.GetProperty("layer").GetString());

        // any image file: converted to grayscale 28x28 for this model, whichever engine runs it
        var image = CliRunner.Reference("images/coffee.png");
        var predictions = new[]
        {
            CliRunner.Run("predict", "--checkpoint", checkpoint, "--topk", "10", "--json", image),
            CliRunner.Run("predict", "--checkpoint", checkpoint, "--backend", "ort", "--topk", "10", "--json", image),
            CliRunner.Run("predict", "--checkpoint", run.File("model.onnx"), "--topk", "10", "--json", image),
        }.Select(r =>
        {
            Assert.True(r.ExitCode == 0, r.Stderr);
            return JsonDocument.Parse(r.Stdout).RootElement.GetProperty("top").EnumerateArray()
                .ToDictionary(t => t.GetProperty("label").GetString()!, t => t.GetProperty("score").GetDouble());
        }).ToList();
        Assert.Equal(10, predictions[0].Count);
        Assert.Contains("Ankle boot", predictions[0].Keys);   // Fashion-MNIST's names, from the checkpoint
        foreach (var p in predictions.Skip(1))
            foreach (var (label, score) in predictions[0]) Assert.Equal(score, p[label], 1e-4);
    }

    [Fact]
    public void The_default_recipes_checkpoint_quantizes_and_test_predict_and_benchmark_take_the_int8_model()
    {
        var model = run.File("model.int8.onnx");
        // a model trained for 2 epochs on 128 images: the gate's thresholds are not the point here
        var quantize = CliRunner.Run("quantize", "--checkpoint", run.Checkpoint, "--output", model, "--calibration",
            run.Data,
            "--images", "32", "--batch", "1", "--min-agreement", "0", "--max-accuracy-drop", "100", "--min-speedup",
                "0", "--json");
        Assert.True(quantize.ExitCode == 0, quantize.Stderr);
        var gate = quantize.Json.GetProperty("gate");
        Assert.Equal(48, gate.GetProperty("images").GetInt32());   // the test split, labelled

        var fp32 = CliRunner.Run("test", "--checkpoint", run.Checkpoint, "--data", run.Data, "--backend", "ort",
            "--json");
        var int8 = CliRunner.Run("test", "--checkpoint", model, "--data", run.Data, "--json");
        foreach (var r in new[] { fp32, int8 }) Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal(48, int8.Json.GetProperty("images").GetInt32());
        Assert.Equal("ort", int8.Json.GetProperty("backend").GetString());
        // `test` on the int8 file scores what the gate scored for it, and the fp32 export what the gate's reference did
        // (one image of 48 is 2.08 points; the two print different decimals)
        Assert.Equal(gate.GetProperty("int8_accuracy").GetDouble(), int8.Json.GetProperty("accuracy_top1").GetDouble(),
            2);
        Assert.Equal(gate.GetProperty("fp32_accuracy").GetDouble(), fp32.Json.GetProperty("accuracy_top1").GetDouble(),
            2);

        var predict = CliRunner.Run("predict", "--checkpoint", model, "--topk", "10", "--json",
            CliRunner.Reference("images/coffee.png"));
        Assert.True(predict.ExitCode == 0, predict.Stderr);
        var labels = predict.Json.GetProperty("top").EnumerateArray().Select(t => t.GetProperty("label").GetString())
            .ToList();
        Assert.Equal(10, labels.Count);
        Assert.Contains("Ankle boot", labels);   // class names from the int8 model's metadata

        // the folder of 3 photos in batches of 2 (one full, one partial) as one image at a time: the same lines
        var folder = new[] { "2", "1" }.Select(batch => CliRunner.Run("predict", "--checkpoint", model,
            "--batch", batch, "--topk", "10", "--json", CliRunner.Reference("images"))).ToList();
        foreach (var r in folder) Assert.True(r.ExitCode == 0, r.Stderr);
        var (batched, alone) = (folder[0].Stdout.Trim().Split('\n'), folder[1].Stdout.Trim().Split('\n'));
        Assert.Equal(3, batched.Length);
        for (int i = 0; i < 3; i++)
        {
            var (b, a) = (JsonDocument.Parse(batched[i]).RootElement, JsonDocument.Parse(alone[i]).RootElement);
            Assert.Equal(a.GetProperty("image").GetString(), b.GetProperty("image").GetString());
            var (bt, at) = (b.GetProperty("top").EnumerateArray().ToList(),
                a.GetProperty("top").EnumerateArray().ToList());
            Assert.Equal(at.Select(t => t.GetProperty("index").GetInt32()),
                bt.Select(t => t.GetProperty("index").GetInt32()));
            for (int j = 0; j < 10; j++)
                Assert.Equal(at[j].GetProperty("score").GetDouble(), bt[j].GetProperty("score").GetDouble(), 1e-5);
        }

        var bench = CliRunner.Run("benchmark", "--checkpoint", model, "--batch", "1,2", "--warmup", "1", "--iterations",
            "2",
            "--json");
        Assert.True(bench.ExitCode == 0, bench.Stderr);
        var results = bench.Json.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal([1, 2], results.Select(x => x.GetProperty("batch").GetInt32()));
        Assert.All(results, x => Assert.True(x.GetProperty("median_ms").GetDouble() > 0));
    }

    // Fashion-MNIST's IDX layout, uncompressed: each of 10 classes a bright band at its own rows, plus noise
    private static void WriteIdx(string dir, string split, int count)
    {
        Directory.CreateDirectory(dir);
        var rng = new Random(split.Length);
        var images = new byte[16 + count * 784];
        var labels = new byte[8 + count];
        Header(images, 0x803, count, 28, 28);
        Header(labels, 0x801, count);
        for (int i = 0; i < count; i++)
        {
            labels[8 + i] = (byte)(i % 10);
            for (int p = 0; p < 784; p++)
                images[16 + i * 784 + p] = (byte)(rng.Next(80) + (p / 28 * 10 / 28 == i % 10 ? 160 : 0));
        }
        File.WriteAllBytes(Path.Combine(dir, $"{split}-images-idx3-ubyte"), images);
        File.WriteAllBytes(Path.Combine(dir, $"{split}-labels-idx1-ubyte"), labels);
    }

    private static void Header(byte[] file, int magic, params int[] dims)
    {
        BinaryPrimitives.WriteInt32BigEndian(file, magic);
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(file.AsSpan(4 + 4 * i), dims[i]);
    }
}
