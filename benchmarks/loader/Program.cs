// Loader benchmark: decode + pipeline images/s on 1 thread (inline) and through the DataLoader with 1 and 2
// workers. Usage: dotnet run -c Release -- DIR [PASSES=3]
using System.Diagnostics;
using ShuffleNet.Vision.Datasets;
using ShuffleNet.Vision.Decoding;
using ShuffleNet.Vision.Loading;
using ShuffleNet.Vision.Transforms;

string dir = args.Length > 0 ? args[0] : "/tmp/loader-bench-jpegs";
int passes = args.Length > 1 ? int.Parse(args[1]) : 3;
var files = Directory.GetFiles(dir, "*.jpg").Order(StringComparer.Ordinal).ToArray();
var bytes = files.Select(File.ReadAllBytes).ToArray();   // page cache warm, as Python's loop after its first pass
var train = Presets.ImageNetTrain(224);
var eval = Presets.ImageNetEval(256, 224);
var output = new float[train.SampleSize];

double Rate(Action<int> one)
{
    double best = 0;
    for (int p = 0; p < passes; p++)
    {
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < files.Length; i++) one(i);
        best = Math.Max(best, files.Length / sw.Elapsed.TotalSeconds);
    }
    return best;
}

var skia = new ImageDecoder(new DecoderOptions { UseSystemJpeg = false });
Console.WriteLine($"JPEG decoder: {JpegTurbo.Status}");
Rate(i => ImageDecoder.Default.Decode(bytes[i]).Dispose());   // warm-up: JIT, pools
Rate(i => skia.Decode(bytes[i]).Dispose());
var exact = Presets.ImageNetTrain(224, regionDecode: false);
var decoded = files.Select(f => skia.Decode(f)).ToArray();
Console.WriteLine($"train transforms only       : " +
    $"{Rate(i => exact.Run(decoded[i].Clone(), DataLoader.SampleRandom(0, 0, i), output)),7:F1} img/s (1 thread, " +
    $"best of {passes}; pre-decoded: crop+resize+flip+normalize)");
foreach (var (name, decoder) in new[] { ("skia", skia), ("turbo", ImageDecoder.Default) })
{
    if (decoder == ImageDecoder.Default && !JpegTurbo.IsAvailable) continue;
    Console.WriteLine($"{name,-5} decode                : " +
        $"{Rate(i => decoder.Decode(File.ReadAllBytes(files[i]), files[i]).Dispose()),7:F1} img/s");
    Console.WriteLine($"{name,-5} train, full decode    : " +
        $"{Rate(i => exact.Run(decoder.Decode(File.ReadAllBytes(files[i]), files[i]),
            DataLoader.SampleRandom(0, 0, i), output)),7:F1} img/s");
    Console.WriteLine($"{name,-5} train, region decode  : " +
        $"{Rate(i => train.RunEncoded(File.ReadAllBytes(files[i]), files[i], decoder,
            DataLoader.SampleRandom(0, 0, i), output)),7:F1} img/s");
    Console.WriteLine($"{name,-5} eval pipeline         : " +
        $"{Rate(i => eval.Run(decoder.Decode(File.ReadAllBytes(files[i]), files[i]), new Random(0), output)),7:F1} " +
        "img/s");
}

var root = Path.Combine(Path.GetTempPath(), "loader-bench-folder");
if (!Directory.Exists(root))
{
    Directory.CreateDirectory(Path.Combine(root, "all"));
    foreach (var f in files) File.Copy(f, Path.Combine(root, "all", Path.GetFileName(f)));
}
foreach (var (name, decoder, workers) in new[] { ("skia", skia, 1), ("turbo", ImageDecoder.Default, 1), ("turbo",
    ImageDecoder.Default, 2) })
{
    var dataset = new ImageFolderDataset(root, decoder: decoder);
    var loader = new DataLoader(dataset, train, new LoaderOptions { BatchSize = 32, Workers = workers, Seed = 1 });
    double best = 0;
    for (int epoch = 0; epoch <= passes; epoch++)
    {
        var sw = Stopwatch.StartNew();
        int n = 0;
        foreach (var b in loader.GetEpoch(epoch)) { n += b.Count; b.Dispose(); }
        if (epoch > 0) best = Math.Max(best, n / sw.Elapsed.TotalSeconds);   // epoch 0 warms up
    }
    Console.WriteLine($"{name,-5} DataLoader train, {workers}w : {best,7:F1} img/s (batches of 32, NCHW float32)");
}
