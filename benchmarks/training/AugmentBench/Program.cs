// Augment benchmark: training-pipeline images/s on 1 thread with and without RandAugment / AutoAugment, on
// pre-decoded images (no JPEG decoding), plus the cost of each op alone.
// Usage: dotnet run -c Release -- [PASSES=5] [N=300]
using System.Diagnostics;
using ShuffleNet.Vision.Datasets;
using ShuffleNet.Vision.Decoding;
using ShuffleNet.Vision.Transforms;

int passes = args.Length > 0 ? int.Parse(args[0]) : 5, n = args.Length > 1 ? int.Parse(args[1]) : 300;
string root = Directory.GetCurrentDirectory();
while (!File.Exists(Path.Combine(root, "ShuffleNet.sln"))) root = Path.GetDirectoryName(root)!;
var photos = Directory.GetFiles(Path.Combine(root, "tests/ShuffleNet.Vision.Tests/Fixtures/pipeline"), "*.rgb")
    .Order(StringComparer.Ordinal).Select(f => File.ReadAllBytes(f)).ToArray();   // 224x224x3 each
ImageU8 Photo(int i) => ImageU8.Wrap(photos[i % photos.Length].ToArray(), 224, 224, 3);
IImageDataset? fashion = null;
try { fashion = IdxDataset.FashionMnist(train: true); } catch (Exception) { }
ImageU8 Small(int i)
{
    if (fashion is not null) return fashion.Load(i);
    var px = new byte[28 * 28];
    new Random(i).NextBytes(px);
    return ImageU8.Wrap(px, 28, 28, 1);
}
Console.WriteLine("28x28 source: " +
    (fashion is null ? "random bytes (Fashion-MNIST not installed)" : "Fashion-MNIST train"));

var rand = new RandAugment(RandAugment.TimmIncreasing, 2, new AugmentSettings(9, 0.5, 10));
var auto = new AutoAugment(AutoAugment.ImageNet, new AugmentSettings());
double Rate(Pipeline p, Func<int, ImageU8> source)
{
    var output = new float[p.SampleSize];
    var inputs = Enumerable.Range(0, n).Select(source).ToArray();
    double best = 0;
    for (int pass = 0; pass <= passes; pass++)   // pass 0 warms up (JIT, pools)
    {
        var copies = inputs.Select(x => x.Clone()).ToArray();
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < n; i++) p.Run(copies[i], new Random(i), output);
        if (pass > 0) best = Math.Max(best, n / sw.Elapsed.TotalSeconds);
    }
    return best;
}
foreach (var (name, augment) in new (string, IImageTransform?)[] { ("none", null), ("RandAugment m9 n2 mstd0.5", rand),
             ("AutoAugment imagenet", auto) })
{
    double big = Rate(Presets.ImageNetTrain(224, regionDecode: false, augment: augment), Photo);
    double small = Rate(Presets.FashionMnistTrain(augment: augment), Small);
    Console.WriteLine($"{name,-26}: ImageNetTrain 224 {big,8:F0} img/s   FashionMnistTrain 28 {small,8:F0} img/s");
}

Console.WriteLine("each op alone, 224x224 RGB (us per image, best of passes):");
var settings = new AugmentSettings();
foreach (var op in RandAugment.TimmIncreasing)
{
    double m = op.Range is { } r ? RandAugment.SampleMagnitude(9, 0, 10, r.From, r.To, new Random(0)) : 0;
    double best = double.MaxValue;
    for (int pass = 0; pass <= passes; pass++)
    {
        var copies = Enumerable.Range(0, 50).Select(Photo).ToArray();
        var sw = Stopwatch.StartNew();
        foreach (var c in copies) op.Run(c, m, settings).Dispose();
        if (pass > 0) best = Math.Min(best, sw.Elapsed.TotalMicroseconds / copies.Length);
    }
    Console.WriteLine($"  {op,-40} {best,8:F0} us");
}
