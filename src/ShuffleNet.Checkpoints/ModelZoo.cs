using System.Text.RegularExpressions;

namespace ShuffleNet.Checkpoints;

/// <summary>One published ShuffleNet V2 checkpoint: where it is, how to verify it, and what it scores.</summary>
/// <param name="Name">The name <c>--checkpoint</c> accepts (mmpretrain's config name, or torchvision's builder
/// name).</param>
/// <param name="Source">Who publishes it: <c>mmpretrain</c> or <c>torchvision</c>.</param>
/// <param name="Width">Architecture width.</param>
/// <param name="Layout">Key layout of the file (<see cref="CheckpointFile.Load"/> reads both).</param>
/// <param name="Url">Download address; the last path segment is the cache file name.</param>
/// <param name="Top1">Published ImageNet-1k top-1 (%).</param>
/// <param name="Top5">Published ImageNet-1k top-5 (%).</param>
/// <param name="PublishedMebibytes">File size as the source publishes it, or null (torchvision's <c>_file_size</c>:
/// MiB, since 8.791 for 1.0x is below the 9.11e6 bytes its float32 parameters alone take).</param>
public sealed partial record ZooEntry(string Name, string Source, Width Width, CheckpointLayout Layout, Uri Url,
    double? Top1, double? Top5, double? PublishedMebibytes = null)
{
    /// <summary>The publisher's evaluation preprocessing (default: <see cref="EvalPreprocessing.ImageNet"/>).</summary>
    public EvalPreprocessing Preprocessing { get; init; } = EvalPreprocessing.ImageNet;

    /// <summary>
    /// Full lowercase hex SHA-256 of the file when known; otherwise only <see cref="HashPrefix"/> is checked.
    /// </summary>
    public string? Sha256 { get; init; }

    /// <summary>The file name, taken from <see cref="Url"/>.</summary>
    public string FileName => Path.GetFileName(Url.AbsolutePath);

    /// <summary>
    /// The hex digits after the last <c>-</c> of the file name (<c>...-5bf4721e.pth</c>): the SHA-256 prefix,
    /// the convention <c>torch.hub.load_state_dict_from_url(check_hash=True)</c> verifies; null when the name has none.
    /// </summary>
    public string? HashPrefix => HashInName().Match(FileName) is { Success: true } m ? m.Groups[1].Value : null;

    [GeneratedRegex(@"-([0-9a-f]+)\.[^-]*$")]
    private static partial Regex HashInName();
}

/// <summary>
/// The known checkpoints and a cache folder to keep them in. <see cref="Default"/> is the published table in
/// <c>$SHUFFLENET_CACHE</c> (else <c>$XDG_CACHE_HOME/shufflenet</c>, else <c>~/.cache/shufflenet</c>); a
/// <see cref="ModelZoo(IEnumerable{ZooEntry}, string, HttpClient?)"/> of your own serves a mirror or private weights.
/// </summary>
public sealed class ModelZoo
{
    // Facts from the publishers' own sources: mmpretrain configs/shufflenet_v2/README.md (1.0x: 69.55 / 88.92),
    // torchvision torchvision/models/shufflenetv2.py (ShuffleNet_V2_X*_Weights.IMAGENET1K_V1: url, acc@1, acc@5,
    // _file_size, and transforms: x1.5 and x2.0 declare resize_size=232, the others keep ImageClassification's 256).
    /// <summary>Published ImageNet-1k checkpoints: mmpretrain's 1.0x and torchvision's four widths.</summary>
    public static IReadOnlyList<ZooEntry> Known { get; } =
    [
        new("shufflenet-v2-1x_16xb64_in1k", "mmpretrain", Width.X1_0, CheckpointLayout.Mmpretrain,
            new("https://download.openmmlab.com/mmclassification/v0/shufflenet_v2/" +
                "shufflenet_v2_batch1024_imagenet_20200812-5bf4721e.pth"),
            69.55, 88.92),
        new("shufflenet_v2_x0_5", "torchvision", Width.X0_5, CheckpointLayout.Torchvision,
            new("https://download.pytorch.org/models/shufflenetv2_x0.5-f707e7126e.pth"), 60.552, 81.746, 5.282),
        new("shufflenet_v2_x1_0", "torchvision", Width.X1_0, CheckpointLayout.Torchvision,
            new("https://download.pytorch.org/models/shufflenetv2_x1-5666bf0f80.pth"), 69.362, 88.316, 8.791),
        new("shufflenet_v2_x1_5", "torchvision", Width.X1_5, CheckpointLayout.Torchvision,
            new("https://download.pytorch.org/models/shufflenetv2_x1_5-3c479a10.pth"), 72.996, 91.086, 13.557)
        {
            Preprocessing = EvalPreprocessing.TorchvisionNewRecipe,
        },
        new("shufflenet_v2_x2_0", "torchvision", Width.X2_0, CheckpointLayout.Torchvision,
            new("https://download.pytorch.org/models/shufflenetv2_x2_0-8be3c8ee.pth"), 76.230, 93.006, 28.433)
        {
            Preprocessing = EvalPreprocessing.TorchvisionNewRecipe,
        },
    ];

    // one client for the process: HttpClient pools connections and is safe to share
    private static readonly Lazy<HttpClient> SharedHttp = new(() =>
    {
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var version = typeof(ModelZoo).Assembly.GetName().Version?.ToString(3);
        http.DefaultRequestHeaders.UserAgent.ParseAdd($"ShuffleNet/{version}");
        return http;
    });

    private readonly HttpClient? _http;

    /// <summary>A zoo of <paramref name="entries"/> cached in <paramref name="cacheDirectory"/>.</summary>
    /// <param name="entries">The table; names must be unique (ordinal, ignoring case) and every file
    /// verifiable.</param>
    /// <param name="cacheDirectory">Where files are kept, created on first download.</param>
    /// <param name="http">The client to download with; a shared one when null.</param>
    /// <exception cref="ArgumentException">A name repeats, or an entry has neither a hash in its file name nor
    /// <see cref="ZooEntry.Sha256"/>.</exception>
    public ModelZoo(IEnumerable<ZooEntry> entries, string cacheDirectory, HttpClient? http = null)
    {
        Entries = entries.ToList();
        foreach (var e in Entries)
            if (e.Sha256 is null && e.HashPrefix is null)
                throw new ArgumentException($"zoo entry '{e.Name}' cannot be verified: its file name '{e.FileName}' " +
                    "has no '-<sha256 prefix>.' part and no Sha256 is given");
        if (Entries.GroupBy(e => e.Name, StringComparer.OrdinalIgnoreCase)
            .FirstOrDefault(g => g.Count() > 1) is { } dup)
            throw new ArgumentException($"zoo entry name '{dup.Key}' appears {dup.Count()} times");
        CacheDirectory = Path.GetFullPath(cacheDirectory);
        _http = http;
    }

    /// <summary>
    /// The published table (<see cref="Known"/>) in <see cref="DefaultCacheDirectory"/>, read when called.
    /// </summary>
    public static ModelZoo Default => new(Known, DefaultCacheDirectory());

    /// <summary>The entries, in table order.</summary>
    public IReadOnlyList<ZooEntry> Entries { get; }

    /// <summary>Absolute path of the cache folder.</summary>
    public string CacheDirectory { get; }

    /// <summary>
    /// <c>$SHUFFLENET_CACHE</c> if set, else <c>$XDG_CACHE_HOME/shufflenet</c>, else <c>~/.cache/shufflenet</c>.
    /// </summary>
    public static string DefaultCacheDirectory()
    {
        if (Environment.GetEnvironmentVariable("SHUFFLENET_CACHE") is { Length: > 0 } own) return own;
        if (Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg) return Path.Combine(xdg,
            "shufflenet");
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "shufflenet");
    }

    /// <summary>The entry called <paramref name="name"/> (ordinal, ignoring case), or null.</summary>
    public ZooEntry? Find(string name) => Entries.FirstOrDefault(e => string.Equals(e.Name, name,
        StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The entry whose file <paramref name="path"/> is, by file name (the SHA-256 prefix is in it): a cached download,
    /// or a copy kept elsewhere under its published name. Null for any other file.
    /// </summary>
    public ZooEntry? FindByFile(string path) =>
        Entries.FirstOrDefault(e => string.Equals(e.FileName, Path.GetFileName(path), StringComparison.Ordinal));

    /// <summary>
    /// Where <paramref name="entry"/>'s file is (or will be) kept: <c>CacheDirectory/checkpoints/FileName</c>.
    /// </summary>
    public string CachePath(ZooEntry entry) => Path.Combine(CacheDirectory, "checkpoints", entry.FileName);

    /// <summary>
    /// Whether <paramref name="entry"/>'s file is in the cache (a complete, verified download or a file placed there by
    /// hand).
    /// </summary>
    public bool IsCached(ZooEntry entry) => File.Exists(CachePath(entry));

    /// <summary>
    /// The local path of <paramref name="entry"/>'s file. A cached file is returned without touching the network;
    /// otherwise it is downloaded once (resuming a <c>.partial</c> file left by an interrupted download), verified by
    /// SHA-256 and renamed into place.
    /// </summary>
    /// <param name="entry">An entry (normally from <see cref="Entries"/>).</param>
    /// <param name="progress">Bytes done and total (when the server says) while downloading; not called on a cache
    /// hit.</param>
    /// <param name="cancel">Stops the download; the partial file is kept for the next attempt.</param>
    /// <exception cref="CheckpointException">The server is unreachable or refuses, the transfer broke off, or the file
    /// does not match its hash (then it is deleted); the message names the URL and the cache path.</exception>
    public async Task<string> FetchAsync(ZooEntry entry, IProgress<(long Done, long? Total)>? progress = null,
        CancellationToken cancel = default)
    {
        var path = CachePath(entry);
        if (File.Exists(path)) return path;
        await Downloader.DownloadAsync(_http ?? SharedHttp.Value, entry, path, progress, cancel).ConfigureAwait(false);
        return path;
    }

    /// <summary>Blocking form of <see cref="FetchAsync"/>.</summary>
    /// <exception cref="CheckpointException">As for <see cref="FetchAsync"/>.</exception>
    public string Fetch(ZooEntry entry, IProgress<(long Done, long? Total)>? progress = null,
        CancellationToken cancel = default) =>
        FetchAsync(entry, progress, cancel).GetAwaiter().GetResult();
}
