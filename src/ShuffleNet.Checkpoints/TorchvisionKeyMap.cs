namespace ShuffleNet.Checkpoints;

/// <summary>
/// Renames between torchvision's ShuffleNet V2 keys (<c>stage2.0.branch2.3.weight</c>) and mmpretrain's
/// (<c>backbone.layers.0.0.branch2.1.conv.weight</c>). torchvision numbers the layers inside each
/// <c>nn.Sequential</c> (conv, bn, relu); mmpretrain groups them into <c>ConvModule</c>s.
/// </summary>
public static class TorchvisionKeyMap
{
    // torchvision Sequential index -> mmpretrain ConvModule path; ReLUs hold no state, so indices 2 (branch2) are
    // absent
    private static readonly Dictionary<string, string> Branch1 = new() { ["0"] = "0.conv", ["1"] = "0.bn",
        ["2"] = "1.conv", ["3"] = "1.bn" };
    private static readonly Dictionary<string, string> Branch2 = new() { ["0"] = "0.conv", ["1"] = "0.bn",
        ["3"] = "1.conv", ["4"] = "1.bn", ["5"] = "2.conv", ["6"] = "2.bn" };
    private static readonly Dictionary<string, string> ConvBn = new() { ["0"] = "conv", ["1"] = "bn" };

    /// <summary>Whether the keys look like torchvision's ShuffleNet V2 (a <c>stage2.</c> key is present).</summary>
    public static bool IsTorchvision(IEnumerable<string> keys) => keys.Any(k => k.StartsWith("stage2.",
        StringComparison.Ordinal));

    /// <summary>torchvision key to mmpretrain key.</summary>
    /// <exception cref="KeyNotFoundException">The key is not part of torchvision's ShuffleNet V2.</exception>
    public static string ToMmcls(string key)
    {
        var p = key.Split('.');
        string Rest(int from) => string.Join('.', p[from..]);
        string? mapped = p[0] switch
        {
            "conv1" when p.Length >= 3 && ConvBn.TryGetValue(p[1], out var m) => $"backbone.conv1.{m}.{Rest(2)}",
            "conv5" when p.Length >= 3 && ConvBn.TryGetValue(p[1], out var m) => $"backbone.layers.3.{m}.{Rest(2)}",
            "fc" when p.Length == 2 => $"head.fc.{p[1]}",
            "stage2" or "stage3" or "stage4" when p.Length >= 5 && (p[2] == "branch1" ? Branch1 : p[2] == "branch2"
                ? Branch2 : null) is { } table
                && table.TryGetValue(p[3], out var m) => $"backbone.layers.{p[0][5] - '2'}.{p[1]}.{p[2]}.{m}.{Rest(4)}",
            _ => null,
        };
        return mapped ?? throw new KeyNotFoundException($"'{key}' is not a torchvision ShuffleNet V2 key");
    }

    /// <summary>mmpretrain key to torchvision key.</summary>
    /// <exception cref="KeyNotFoundException">The key has no torchvision counterpart.</exception>
    public static string ToTorchvision(string key)
    {
        var p = key.Split('.');
        string Rest(int from) => string.Join('.', p[from..]);
        static string Index(Dictionary<string, string> table, string value) => table.First(kv => kv.Value == value).Key;
        if (p[0] == "head" && p.Length == 3 && p[1] == "fc") return $"fc.{p[2]}";
        if (p[0] == "backbone" && p.Length >= 4 && p[1] == "conv1"
            && ConvBn.ContainsValue(p[2])) return $"conv1.{Index(ConvBn, p[2])}.{Rest(3)}";
        if (p[0] == "backbone" && p.Length >= 5 && p[1] == "layers" && p[2] == "3"
            && ConvBn.ContainsValue(p[3])) return $"conv5.{Index(ConvBn, p[3])}.{Rest(4)}";
        if (p[0] == "backbone" && p.Length >= 8 && p[1] == "layers" && p[2] is "0" or "1" or "2")
        {
            var table = p[4] == "branch1" ? Branch1 : p[4] == "branch2" ? Branch2 : null;
            var inner = $"{p[5]}.{p[6]}";
            if (table is not null && table.ContainsValue(inner))
                return $"stage{p[2][0] - '0' + 2}.{p[3]}.{p[4]}.{Index(table, inner)}.{Rest(7)}";
        }
        throw new KeyNotFoundException($"'{key}' has no torchvision ShuffleNet V2 counterpart");
    }
}
