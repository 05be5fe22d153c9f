using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ShuffleNet.Fuzz.Mutations;

/// <summary>
/// Structure-aware mutations of a JSON config: a value replaced by another type or an edge number, a key dropped,
/// renamed, added or duplicated, a section nested deep; the text written back by hand so duplicates survive.
/// </summary>
internal static class JsonMutator
{
    private static readonly string[] Literals =
    [
        "0", "-1", "1", "2", "0.5", "-0.0", "1e308", "-1e308", "1e999", "4.9e-324", "2147483647", "2147483648",
        "-2147483649", "99999999999999999999", "1.0000000000000000000001", "true", "false", "null", "\"\"", "\"x\"",
        "\"NaN\"", "\"Infinity\"",
        "\"-1\"", "\"1e400\"", "[]", "{}", "[1, 2]", "{\"a\": 1}", "\"" + new string('x', 10_000) + "\"",
        new string('[', 100) + new string(']', 100), new string('[', 10_000) + new string(']', 10_000),
        "{\"a\":" + string.Concat(Enumerable.Repeat("{\"a\":", 70)) + "1" + new string('}', 71),
    ];

    private static readonly JsonDocumentOptions Options = new()
    {
        CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, AllowDuplicateProperties = false,
    };

    public static byte[] Mutate(Random rng, byte[] input, IReadOnlyList<byte[]> seeds)
    {
        JsonNode? root;
        // parsed from text, so that nodes read later (lazily) never meet invalid UTF-8
        try { root = JsonNode.Parse(Encoding.UTF8.GetString(input), documentOptions: Options); }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException) { root = null; }
        if (root is not JsonObject obj || rng.Next(5) == 0) return ByteMutator.Mutate(rng, input, seeds);
        var objects = new List<JsonObject>();
        Collect(obj, objects);
        var target = objects[rng.Next(objects.Count)];
        var keys = target.Select(p => p.Key).ToList();
        string? key = keys.Count > 0 ? keys[rng.Next(keys.Count)] : null;
        string? duplicate = null;
        switch (rng.Next(6))
        {
            case 0: case 1: if (key is not null) target[key] = Literal(rng); break;
            case 2: if (key is not null) target.Remove(key); break;
            case 3:
                if (key is not null) { var v = target[key]; target.Remove(key); target[Renamed(rng, key)] = v; }
                break;
            case 4: target[Renamed(rng, key ?? "lr")] = Literal(rng); break;
            default: duplicate = key; break;
        }
        var text = new StringBuilder();
        Write(obj, text, target, duplicate, rng);
        for (int i = 0; i < Literals.Length; i++) text.Replace($"\"@@{i}@@\"", Literals[i]);
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    // a placeholder the text gets the literal for: parsing a literal nested 10,000 deep is the loader's job, not ours
    private static JsonNode Literal(Random rng) => JsonValue.Create($"@@{rng.Next(Literals.Length)}@@");

    private static string Renamed(Random rng, string key) => rng.Next(4) switch
    {
        0 => key.ToUpperInvariant(),
        1 => key + "_",
        2 => key.Length > 1 ? key[1..] : "x",
        _ => "unknown_" + rng.Next(100),
    };

    private static void Collect(JsonNode? node, List<JsonObject> into)
    {
        if (node is JsonObject o) { into.Add(o); foreach (var (_, v) in o) Collect(v, into); }
        else if (node is JsonArray a) foreach (var v in a) Collect(v, into);
    }

    // JsonNode's writer would collapse a duplicated key; this one repeats it in `target` when asked
    private static void Write(JsonNode? node, StringBuilder s, JsonObject target, string? duplicate, Random rng)
    {
        switch (node)
        {
            case JsonObject o:
                s.Append('{');
                bool first = true;
                foreach (var (k, v) in o)
                    for (int n = ReferenceEquals(o, target) && k == duplicate ? 2 : 1; n > 0; n--)
                    {
                        if (!first) s.Append(", ");
                        first = false;
                        s.Append(JsonSerializer.Serialize(k)).Append(": ");
                        if (n == 1 || rng.Next(2) == 0) Write(v, s, target, duplicate, rng);
                        else s.Append($"\"@@{rng.Next(Literals.Length)}@@\"");
                    }
                s.Append('}');
                break;
            case JsonArray a:
                s.Append('[');
                for (int i = 0; i < a.Count; i++) { if (i > 0) s.Append(", "); Write(a[i], s, target, duplicate, rng); }
                s.Append(']');
                break;
            case null: s.Append("null"); break;
            default: s.Append(node.ToJsonString()); break;
        }
    }
}
