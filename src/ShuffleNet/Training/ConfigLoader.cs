using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ShuffleNet.Training;

/// <summary>
/// Reads <see cref="TrainConfig"/> from JSON strictly: a key the records do not declare, a key given twice and a
/// value of the wrong type are errors naming the file (or the <c>--set</c>) and the dotted key, and <c>--set
/// a.b=v</c> overrides are typed against the same records before they are applied; then <see cref="ConfigChecks"/>
/// checks every value (numbers finite, <c>1e999</c> and <c>--set x=NaN</c> included, and in range), all before any
/// work starts. The binding is by reflection over the records' constructors, so adding a parameter there is all it
/// takes to add a key.
/// </summary>
public static class ConfigLoader
{
    /// <summary>
    /// Reads <paramref name="path"/>, applies <paramref name="overrides"/> (<c>key=value</c>), binds and validates.
    /// </summary>
    /// <exception cref="ConfigException">The file is missing or malformed, a key is unknown, or a value is
    /// bad.</exception>
    public static TrainConfig Load(string path, IEnumerable<string>? overrides = null)
    {
        if (!File.Exists(path)) throw new ConfigException($"config '{path}' does not exist; see configs/README.md " +
            "for the recipes");
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"config '{path}' cannot be read ({e.Message}); check its permissions", e);
        }
        return Parse(text, path, overrides);
    }

    /// <summary>Parses JSON text; <paramref name="source"/> names it in messages.</summary>
    /// <exception cref="ConfigException">Malformed JSON, an unknown key, or a bad value.</exception>
    public static TrainConfig Parse(string json, string source, IEnumerable<string>? overrides = null)
    {
        JsonNode? root;
        var options = new JsonDocumentOptions
        {
            CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true,
        };
        try
        {
            // JsonObject would fail on a repeated key with .NET's bare "same key has already been added": find it first
            using (var doc = JsonDocument.Parse(json, options)) RefuseDuplicates(doc.RootElement, "", source);
            root = JsonNode.Parse(json, documentOptions: options);
        }
        catch (JsonException e) { throw new ConfigException($"config '{source}' is not valid JSON: {e.Message}", e); }
        var obj = root as JsonObject ?? throw new ConfigException($"config '{source}' must be a JSON object");
        var overridden = new Dictionary<string, string>();   // dotted key -> the last --set that gave it
        foreach (var o in overrides ?? []) overridden[ApplyOverride(obj, o)] = o;
        var config = (TrainConfig)Bind(typeof(TrainConfig), obj, "", source);
        ConfigChecks.Validate(config, source, overridden);
        return config;
    }

    /// <summary>
    /// The config as JSON with every key spelled out (saved in checkpoints' meta and printed by <c>train</c>).
    /// </summary>
    public static string ToJson(TrainConfig config) =>
        ToNode(config)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    /// <summary>Applies one <c>dotted.key=value</c> to a parsed config, typed by the records; returns the dotted
    /// key.</summary>
    /// <exception cref="ConfigException">No '=', an unknown key, a section instead of a value, or a value of the
    /// wrong type.</exception>
    public static string ApplyOverride(JsonObject root, string assignment)
    {
        int eq = assignment.IndexOf('=');
        if (eq <= 0) throw new ConfigException($"--set '{assignment}' is not key=value (e.g. --set optimizer.lr=0.25)");
        string key = assignment[..eq].Trim(), text = assignment[(eq + 1)..].Trim();
        var parts = key.Split('.');
        var type = typeof(TrainConfig);
        var node = root;
        for (int i = 0; i < parts.Length; i++)
        {
            var path = string.Join('.', parts[..(i + 1)]);
            var param = Parameters(type).FirstOrDefault(p => Snake(p.Name!) == parts[i])
                ?? throw new ConfigException($"--set {assignment}: unknown key '{path}' (known: {Known(type)})");
            type = param.ParameterType;
            if (i < parts.Length - 1)
            {
                if (!IsSection(type)) throw new ConfigException($"--set {assignment}: '{path}' is a value, not a " +
                    "section");
                node = node[parts[i]] as JsonObject ?? (JsonObject)(node[parts[i]] = new JsonObject());
            }
            else if (IsSection(type)) throw new ConfigException($"--set {assignment}: '{key}' is a section; set one " +
                $"of its keys ({Known(type)})");
            else node[parts[i]] = ParseScalar(type, text, key, $"--set {assignment}");
        }
        return key;
    }

    private static void RefuseDuplicates(JsonElement e, string path, string source)
    {
        if (e.ValueKind == JsonValueKind.Object)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in e.EnumerateObject())
            {
                if (!seen.Add(p.Name))
                    throw new ConfigException(
                        $"config '{source}': key '{Join(path, p.Name)}' is given twice; keep one");
                RefuseDuplicates(p.Value, Join(path, p.Name), source);
            }
        }
        else if (e.ValueKind == JsonValueKind.Array)
        {
            int i = 0;
            foreach (var item in e.EnumerateArray()) RefuseDuplicates(item, $"{path}[{i++}]", source);
        }
    }

    private static object Bind(Type type, JsonNode? node, string path, string source)
    {
        if (IsSection(type))
        {
            var obj = node is null ? [] : node as JsonObject ?? throw Bad(source, path, node, "a JSON object");
            var ps = Parameters(type);
            foreach (var (k, _) in obj)
                if (!ps.Any(p => Snake(p.Name!) == k))
                    throw new ConfigException($"config '{source}': unknown key '{Join(path, k)}' " +
                        $"(known{(path == "" ? "" : $" in '{path}'")}: {Known(type)})");
            var args = ps.Select(p => !obj.TryGetPropertyValue(Snake(p.Name!), out var v) ? p.DefaultValue
                // optional paths (load_from) may be null
                : v is null && p.ParameterType == typeof(string) && p.DefaultValue is null ? null
                : Bind(p.ParameterType, v, Join(path, Snake(p.Name!)), source)).ToArray();
            return Constructor(type).Invoke(args);
        }
        if (node is not JsonValue value) throw Bad(source, path, node, Describe(type));
        object? result = type == typeof(string) ? (value.TryGetValue<string>(out var s) ? s : null)
            : type == typeof(bool) ? (value.TryGetValue<bool>(out var b) ? b : null)
            : type == typeof(int) ? (value.TryGetValue<int>(out var n) ? n : null)
            // 1e999 reads as infinity: ConfigChecks refuses every non-finite number, whatever its source
            : type == typeof(double) ? (value.TryGetValue<double>(out var d) ? d : null)
            : throw new NotSupportedException(type.Name);
        return result ?? throw Bad(source, path, node, Describe(type));
    }

    private static JsonNode? ParseScalar(Type type, string text, string key, string origin)
    {
        var inv = CultureInfo.InvariantCulture;
        if (type == typeof(string)) return text == "null" ? null : JsonValue.Create(text);
        if (type == typeof(bool) && bool.TryParse(text, out var b)) return JsonValue.Create(b);
        if (type == typeof(int) && int.TryParse(text, NumberStyles.Integer, inv, out var n)) return JsonValue.Create(n);
        if (type == typeof(double) && double.TryParse(text, NumberStyles.Float, inv, out var d))
            return JsonValue.Create(d);
        throw new ConfigException($"{origin}: '{key}' must be {Describe(type)}, not '{text}'");
    }

    private static JsonNode? ToNode(object? value)
    {
        switch (value)
        {
            case null: return null;
            case string s: return JsonValue.Create(s);
            case bool b: return JsonValue.Create(b);
            case int n: return JsonValue.Create(n);
            case double d: return JsonValue.Create(d);
        }
        var obj = new JsonObject();
        foreach (var p in Parameters(value.GetType()))
            obj[Snake(p.Name!)] = ToNode(value.GetType().GetProperty(p.Name!)!.GetValue(value));
        return obj;
    }

    // a record (every *Config here, and the stem's StemOptions) is a section; strings, ints, doubles and bools are
    // values
    private static bool IsSection(Type t) => t.IsClass && t != typeof(string);
    private static ConstructorInfo Constructor(Type t) => t.GetConstructors().OrderByDescending(c => c.GetParameters()
        .Length).First();
    private static ParameterInfo[] Parameters(Type t) => Constructor(t).GetParameters();
    private static string Known(Type t) => string.Join(", ", Parameters(t).Select(p => Snake(p.Name!)));
    private static string Join(string path, string key) => path == "" ? key : path + "." + key;

    private static string Describe(Type t) =>
        t == typeof(int) ? "an integer"
        : t == typeof(double) ? "a number"
        : t == typeof(bool) ? "true or false"
        : "a string";

    private static ConfigException Bad(string source, string path, JsonNode? node, string what) =>
        new($"config '{source}': '{path}' must be {what}, not {node?.ToJsonString() ?? "null"}");

    /// <summary><c>NumClasses</c> → <c>num_classes</c>.</summary>
    internal static string Snake(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "")
            + char.ToLowerInvariant(c) : c.ToString()));
}
