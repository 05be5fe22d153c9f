namespace ShuffleNet.Checkpoints;

/// <summary>The four ShuffleNet V2 widths of the paper (Table 5) and mmpretrain.</summary>
public enum Width
{
    /// <summary>0.5x: stages 48/96/192, conv5 1024.</summary>
    X0_5,
    /// <summary>1.0x: stages 116/232/464, conv5 1024.</summary>
    X1_0,
    /// <summary>1.5x: stages 176/352/704, conv5 1024.</summary>
    X1_5,
    /// <summary>2.0x: stages 244/488/976, conv5 2048.</summary>
    X2_0,
}

/// <summary>Channel plan of one width: stage repeats and output channels of stem, three stages and conv5.</summary>
/// <param name="Repeats">Blocks per stage (the first block of each stage has stride 2).</param>
/// <param name="Channels">Stem, stage 2, stage 3, stage 4 and conv5 output channels.</param>
public sealed record WidthSpec(int[] Repeats, int[] Channels)
{
    /// <summary>Stem (conv1) output channels.</summary>
    public int StemChannels => Channels[0];

    /// <summary>conv5 output channels, the feature size the head sees.</summary>
    public int FeatureChannels => Channels[^1];
}

/// <summary>
/// The ShuffleNet V2 checkpoint layout as mmpretrain writes it: width table, key names and shapes, width
/// inference. It lives here, without TorchSharp, because reading, converting and exporting checkpoints
/// all need it; the TorchSharp model builds itself from the same table.
/// </summary>
public static class ShuffleNetV2Layout
{
    /// <summary>mmpretrain's <c>widen_factor</c> table (mmpretrain/models/backbones/shufflenet_v2.py).</summary>
    public static readonly IReadOnlyDictionary<Width, WidthSpec> Widths = new Dictionary<Width, WidthSpec>
    {
        [Width.X0_5] = new(Repeats: [4, 8, 4], Channels: [24, 48, 96, 192, 1024]),
        [Width.X1_0] = new(Repeats: [4, 8, 4], Channels: [24, 116, 232, 464, 1024]),
        [Width.X1_5] = new(Repeats: [4, 8, 4], Channels: [24, 176, 352, 704, 1024]),
        [Width.X2_0] = new(Repeats: [4, 8, 4], Channels: [24, 244, 488, 976, 2048]),
    };

    /// <summary>The <c>widen_factor</c> of <paramref name="width"/> (0.5, 1.0, 1.5, 2.0).</summary>
    public static double WidenFactor(Width width) => width switch
    {
        Width.X0_5 => 0.5, Width.X1_0 => 1.0, Width.X1_5 => 1.5, Width.X2_0 => 2.0,
        _ => throw new ArgumentOutOfRangeException(nameof(width)),
    };

    /// <summary>
    /// Short name as the CLI prints and parses it: <c>0.5x</c>, <c>1.0x</c>, <c>1.5x</c>, <c>2.0x</c>.
    /// </summary>
    public static string Name(Width width) => WidenFactor(width).ToString("0.0",
        System.Globalization.CultureInfo.InvariantCulture) + "x";

    /// <summary>
    /// Parses <c>0.5x</c>, <c>1.0</c>, <c>1x</c>, <c>x1_0</c> and the like; null when not a known width.
    /// </summary>
    public static Width? TryParse(string text)
    {
        var t = text.Trim().ToLowerInvariant().Replace('_', '.');
        if (t.StartsWith('x')) t = t[1..];
        if (t.EndsWith('x')) t = t[..^1];
        if (!double.TryParse(t, System.Globalization.NumberStyles.Float,
            System.Globalization.CultureInfo.InvariantCulture, out var f)) return null;
        foreach (var w in Widths.Keys)
            if (Math.Abs(WidenFactor(w) - f) < 1e-9) return w;
        return null;
    }

    /// <summary>
    /// Every state-dict key of <c>ImageClassifier(ShuffleNetV2, GlobalAveragePooling, LinearClsHead)</c> with its
    /// shape, in mmpretrain's order (338 entries). <paramref name="numClasses"/> 0 omits the head;
    /// <paramref name="inChannels"/> is 3 for RGB models, 1 for grayscale ones (Fashion-MNIST).
    /// </summary>
    public static IReadOnlyList<(string Key, long[] Shape)> Keys(Width width, int numClasses = 1000, int inChannels = 3)
    {
        var spec = Widths[width];
        var keys = new List<(string, long[])>();
        void ConvModule(string prefix, int cin, int cout, int k, int groups)
        {
            keys.Add(($"{prefix}.conv.weight", [cout, cin / groups, k, k]));
            foreach (var p in new[] { "weight", "bias", "running_mean", "running_var" }) keys.Add(($"{prefix}.bn.{p}",
                [cout]));
            keys.Add(($"{prefix}.bn.num_batches_tracked", []));
        }
        ConvModule("backbone.conv1", inChannels, spec.StemChannels, 3, 1);
        int cin = spec.StemChannels;
        for (int s = 0; s < spec.Repeats.Length; s++)
        {
            int cout = spec.Channels[s + 1], branch = cout / 2;
            for (int b = 0; b < spec.Repeats[s]; b++)
            {
                var p = $"backbone.layers.{s}.{b}";
                if (b == 0)
                {
                    ConvModule($"{p}.branch1.0", cin, cin, 3, cin);
                    ConvModule($"{p}.branch1.1", cin, branch, 1, 1);
                }
                ConvModule($"{p}.branch2.0", b == 0 ? cin : branch, branch, 1, 1);
                ConvModule($"{p}.branch2.1", branch, branch, 3, branch);
                ConvModule($"{p}.branch2.2", branch, branch, 1, 1);
                cin = cout;
            }
        }
        ConvModule($"backbone.layers.{spec.Repeats.Length}", cin, spec.FeatureChannels, 1, 1);
        if (numClasses > 0)
        {
            keys.Add(("head.fc.weight", [numClasses, spec.FeatureChannels]));
            keys.Add(("head.fc.bias", [numClasses]));
        }
        return keys;
    }

    /// <summary>
    /// The width whose stage-2 channels match <c>backbone.layers.0.0.branch2.0.conv.weight</c>
    /// (half the stage width), or null when the key is missing or no width matches.
    /// </summary>
    public static Width? InferWidth(StateDict stateDict)
    {
        if (!stateDict.TryGetValue("backbone.layers.0.0.branch2.0.conv.weight", out var t)
            || t.Shape.Length != 4) return null;
        foreach (var (w, spec) in Widths)
            if (spec.Channels[1] / 2 == t.Shape[0]) return w;
        return null;
    }

    /// <summary>Image channels <c>conv1</c> takes (3 for RGB, 1 for grayscale), or null when it is missing.</summary>
    public static int? InferInChannels(StateDict stateDict) =>
        stateDict.TryGetValue("backbone.conv1.conv.weight", out var t) && t.Shape.Length == 4 ? (int)t.Shape[1] : null;

    /// <summary>Number of classes of the head in <paramref name="stateDict"/>, or null when it has no head.</summary>
    public static int? InferNumClasses(StateDict stateDict) =>
        stateDict.TryGetValue("head.fc.weight", out var t) && t.Shape.Length == 2 ? (int)t.Shape[0] : null;
}
