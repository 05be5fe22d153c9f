using System.IO.Compression;
using System.Text;
using ShuffleNet.Checkpoints;
using ShuffleNet.Fuzz.Mutations;
using ShuffleNet.Training;
using ShuffleNet.Vision.Decoding;
using ShuffleNet.Vision.Transforms;

namespace ShuffleNet.Fuzz;

/// <summary>
/// The five targets, seeded from files the repository already holds (test fixtures and configs), so a bare clone
/// fuzzes the same inputs everywhere.
/// </summary>
internal static class Targets
{
    public static readonly string[] Names = ["unpickler", "zip", "legacy", "image", "config"];

    private static readonly Limits CheckpointLimits = new(TimeSpan.FromSeconds(5), 512L << 20, 1L << 30);

    public static FuzzTarget Get(string name, string repo)
    {
        string ckpt = Path.Combine(repo, "tests", "ShuffleNet.Checkpoints.Tests", "Fixtures");
        string vision = Path.Combine(repo, "tests", "ShuffleNet.Vision.Tests", "Fixtures");
        var zips = Files(ckpt, "tiny_zip.pt", "mmpretrain_1x.pt", "module_prefix.pt", "meta_graph_zip.pt",
            "malicious_zip.pt");
        var legacy = Files(ckpt, "tiny_legacy.pt", "model_wrapper_legacy.pt", "meta_graph_legacy.pt",
            "malicious_legacy.pt");
        var images = Directory.GetFiles(Path.Combine(vision, "odd"))
            .Concat(Directory.GetFiles(Path.Combine(vision, "jpeg-variants")))
            .Where(f => Path.GetExtension(f) is ".jpg" or ".png" or ".bmp" or ".webp" or ".gif")
            .Where(f => new FileInfo(f).Length is > 0 and < 16 << 10)
            .Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
        var configs = Directory.GetFiles(Path.Combine(repo, "configs"), "*.json")
            .Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
        var bad = typeof(CheckpointException);
        return name switch
        {
            "unpickler" => new(name, [.. zips.Select(DataPkl), .. HandMadePickles], PickleMutator.Mutate, RunPickle,
                bad, CheckpointLimits),
            "zip" => new(name, zips, ContainerMutator.MutateZip, RunCheckpoint, bad, CheckpointLimits),
            "legacy" => new(name, legacy, ContainerMutator.MutateLegacy, RunCheckpoint, bad, CheckpointLimits),
            // a decode costs what its header declares, up to the decoder's pixel limit (Pillow's 179 Mpx by default:
            // an 8 KB JPEG declaring 70 Mpx decodes for seconds, by design); the fuzzer lowers the limit to 16 Mpx to
            // spend its time on the code rather than on legal giant images
            "image" => new(name, images, ImageMutator.Mutate, RunImage, typeof(ImageDecodeException),
                new(TimeSpan.FromSeconds(5), 512L << 20, 1L << 30)),
            "config" => new(name, configs, JsonMutator.Mutate, RunConfig, typeof(ConfigException),
                new(TimeSpan.FromSeconds(5), 256L << 20, 1L << 30)),
            _ => throw new ArgumentException($"unknown target '{name}'; known: {string.Join(", ", Names)}"),
        };
    }

    private static List<byte[]> Files(string dir, params string[] names) =>
        names.Select(n => File.ReadAllBytes(Path.Combine(dir, n))).ToList();

    private static byte[] DataPkl(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        using var s = archive.Entries.First(e => e.Name == "data.pkl").Open();
        var bytes = new MemoryStream();
        s.CopyTo(bytes);
        return bytes.ToArray();
    }

    // protocol 0 text and protocol 4 framing, which torch.save does not write but pickles may use
    private static readonly byte[][] HandMadePickles =
    [
        Encoding.Latin1.GetBytes("(dp0\nS'a'\np1\n(lp2\nI1\naF2.5\naS'x'\naI01\naNas."),
        Encoding.Latin1.GetBytes("\u0080\u0004\u0095\u000b\u0000\u0000\u0000\u0000\u0000\u0000\u0000" +
            "\u008c\u0001k\u0094C\u0001\u0001\u0094\u0086\u0094."),
        Encoding.Latin1.GetBytes("\u0080\u0002ccollections\nOrderedDict\nq\u0000)Rq\u0001(" +
            "X\u0001\u0000\u0000\u0000aL12345678901234567890L\nu."),
    ];

    // a bare pickle: persistent ids get small zero-filled storages, as a file would supply them
    private static void RunPickle(byte[] input)
    {
        const string name = "fuzz.pkl";
        object? Storage(object?[] pid) => pid is ["storage", DType dtype, string key, _, long numel]
                && numel is >= 0 and <= 1 << 16
            ? new StorageRef(dtype, key, numel) { Data = new byte[numel * TensorData.ElementSize(dtype)] }
            : throw new CheckpointException($"checkpoint '{name}' has a persistent id the fuzzer does not supply");
        var graph = new GraphResolver(name).Resolve(new Unpickler(input, 0, name, Storage).Load());
        Exercise(graph, name);
    }

    private static void RunCheckpoint(byte[] input) => Exercise(TorchFile.Load(input, "fuzz.pth"), "fuzz.pth");

    /// <summary>
    /// What the commands do with a loaded file: normalise it and check the layout (info, predict), copy out every
    /// tensor of up to 16 MB (the model's load), write it back as convert does and read that again.
    /// </summary>
    private static void Exercise(object? graph, string name)
    {
        try
        {
            var ckpt = CheckpointFile.FromGraph(graph, name);
            LayoutCheck.Validate(ckpt.StateDict, name);
        }
        catch (CheckpointException) { }   // not a ShuffleNet checkpoint: the rest still runs on the graph
        foreach (var t in Tensors(graph))
            if (t.Count * TensorData.ElementSize(t.DType) <= 16 << 20) _ = t.ToFloat32();
        var pickler = new Pickler();
        var pkl = pickler.Pickle(graph);
        var written = new MemoryStream();
        ZipFormatWriter.Write(written, "archive", pkl, pickler.Storages);
        TorchFile.Load(written.ToArray(), name + " (written back)");
    }

    private static IEnumerable<TensorData> Tensors(object? root)
    {
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<object?>([root]);
        while (pending.TryPop(out var value))
        {
            if (value is null || !seen.Add(value)) continue;
            switch (value)
            {
                case TensorData t: yield return t; break;
                case OrderedDictionary<object, object?> d:
                    foreach (var (k, v) in d) { pending.Push(k); pending.Push(v); }
                    break;
                case System.Collections.IEnumerable e when value is not string and not byte[]:
                    foreach (var v in e) pending.Push(v);
                    break;
            }
        }
    }

    private static readonly ImageDecoder Decoder = new(DecoderOptions.Default with { MaxPixels = 16_000_000 });

    private static void RunImage(byte[] input)
    {
        Decoder.ReadSize(input, "fuzz.img");
        Decoder.Decode(input, "fuzz.img");
        // the training path: a JPEG decodes only the crop
        Decoder.DecodeRegion(input, (w, h) => new CropBox(w / 4, h / 4, Math.Max(1, w / 2), Math.Max(1, h / 2)),
            "fuzz.img");
    }

    private static void RunConfig(byte[] input)
    {
        var config = ConfigLoader.Parse(Encoding.UTF8.GetString(input), "fuzz.json");
        // what train saves in a checkpoint's meta and reads back on resume
        ConfigLoader.Parse(ConfigLoader.ToJson(config), "fuzz.json (written back)");
    }
}
