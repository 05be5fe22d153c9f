using System.Text.RegularExpressions;

namespace ShuffleNet.Architecture.Tests;

/// <summary>
/// Which of the repository's namespaces each source file uses, read from the code: <c>using</c> directives (plain,
/// static, alias), fully qualified names (<c>ShuffleNet.Onnx.Export.X</c>), names qualified from an enclosing
/// namespace (<c>Transforms.CropBox</c> inside <c>ShuffleNet.Vision.Decoding</c>), and simple names of types declared
/// in an enclosing namespace. Comments and strings do not count.
/// </summary>
internal sealed partial class NamespaceGraph
{
    private readonly Dictionary<string, HashSet<string>> _types = new(StringComparer.Ordinal);

    /// <summary>
    /// The graph of <paramref name="files"/>: every namespace they declare, and their uses of each other.
    /// </summary>
    public NamespaceGraph(IReadOnlyList<SourceFile> files)
    {
        Files = files;
        foreach (var f in files.Where(f => f.Namespace is not null))
        {
            if (!_types.TryGetValue(f.Namespace!, out var set)) _types[f.Namespace!] = set =
                new(StringComparer.Ordinal);
            set.UnionWith(f.DeclaredTypes());
        }
        Uses = files.ToDictionary(f => f.Path, f => (IReadOnlySet<string>)UsesOf(f));
    }

    /// <summary>The files, as given.</summary>
    public IReadOnlyList<SourceFile> Files { get; }

    /// <summary>The repository namespaces (other than its own) each file uses, by path.</summary>
    public IReadOnlyDictionary<string, IReadOnlySet<string>> Uses { get; }

    /// <summary>Every namespace some file declares.</summary>
    public IEnumerable<string> Namespaces => _types.Keys;

    /// <summary>The src/ files of the repository at <paramref name="root"/> (bin/ and obj/ left out).</summary>
    public static IReadOnlyList<SourceFile> ReadSources(string root, string folder = "src") =>
        Directory.EnumerateFiles(Path.Combine(root, folder), "*.cs", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(root, p).Replace('\\', '/'))
            .Where(p => !p.Split('/').Any(part => part is "bin" or "obj"))
            .Order(StringComparer.Ordinal)
            .Select(p => SourceFile.Parse(p, File.ReadAllText(Path.Combine(root, p))))
            .ToList();

    /// <summary>Edges between namespaces, each with the first file (in path order) that makes it.</summary>
    public IReadOnlyDictionary<(string From, string To), string> Edges()
    {
        var edges = new Dictionary<(string, string), string>();
        foreach (var f in Files.Where(f => f.Namespace is not null))
            foreach (var to in Uses[f.Path])
                edges.TryAdd((f.Namespace!, to), f.Path);
        return edges;
    }

    /// <summary>
    /// Every cycle between namespaces, one per strongly connected component, as the namespaces in order with the
    /// first back at the end, each step followed by the file that makes it; empty when the graph is acyclic.
    /// </summary>
    public IReadOnlyList<string> Cycles()
    {
        var edges = Edges();
        var next = edges.Keys.GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.Select(e => e.To).Order().ToList());
        var cycles = new List<string>();
        foreach (var component in StronglyConnected(next).Where(c => c.Count > 1))
        {
            var path = CycleThrough(component, next);
            var steps = path.Zip(path.Skip(1), (a, b) => $"{a} -> {b} ({edges[(a, b)]})");
            cycles.Add(string.Join("; ", steps));
        }
        return cycles;
    }

    private HashSet<string> UsesOf(SourceFile f)
    {
        var uses = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match m in Qualified().Matches(f.Code))
            if (Longest(m.Value) is { } ns) uses.Add(ns);
        if (f.Namespace is { } own)
        {
            var words = new HashSet<string>(Word().Matches(f.Code).Select(m => m.Value), StringComparer.Ordinal);
            for (var scope = own; scope.Contains('.'); scope = scope[..scope.LastIndexOf('.')])
            {
                var enclosing = scope[..scope.LastIndexOf('.')];
                // a type of an enclosing namespace, by its simple name
                if (_types.TryGetValue(enclosing, out var enclosingTypes) && enclosingTypes.Overlaps(words))
                    uses.Add(enclosing);
                // a namespace qualified from an enclosing one, followed by one of its types
                foreach (var (ns, types) in _types.Where(t => t.Key.StartsWith(enclosing + ".",
                    StringComparison.Ordinal)))
                {
                    var relative = Regex.Escape(ns[(enclosing.Length + 1)..]);
                    var names = string.Join('|', types.Select(Regex.Escape));
                    if (names.Length > 0 && Regex.IsMatch(f.Code, $@"(?<![\w.]){relative}\.(?:{names})\b"))
                        uses.Add(ns);
                }
            }
            uses.Remove(own);
        }
        return uses;
    }

    // the longest declared namespace that prefixes a dotted name: ShuffleNet.Onnx.Export.OnnxExporter ->
    // ShuffleNet.Onnx.Export
    private string? Longest(string dotted)
    {
        var parts = dotted.Replace("global::", "").Split('.');
        for (int n = parts.Length; n > 0; n--)
        {
            var candidate = string.Join('.', parts[..n]);
            if (_types.ContainsKey(candidate)) return candidate;
        }
        return null;
    }

    // Tarjan's algorithm
    private static List<List<string>> StronglyConnected(Dictionary<string, List<string>> next)
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var result = new List<List<string>>();
        void Visit(string v)
        {
            index[v] = low[v] = index.Count;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in next.GetValueOrDefault(v) ?? [])
            {
                if (!index.ContainsKey(w)) { Visit(w); low[v] = Math.Min(low[v], low[w]); }
                else if (onStack.Contains(w)) low[v] = Math.Min(low[v], index[w]);
            }
            if (low[v] != index[v]) return;
            var component = new List<string>();
            string x;
            do { x = stack.Pop(); onStack.Remove(x); component.Add(x); } while (x != v);
            result.Add(component);
        }
        foreach (var v in next.Keys.Order(StringComparer.Ordinal))
            if (!index.ContainsKey(v)) Visit(v);
        return result;
    }

    // a shortest cycle from the component's first namespace (in ordinal order) back to itself, by breadth-first search
    private static List<string> CycleThrough(List<string> component, Dictionary<string, List<string>> next)
    {
        var inside = component.ToHashSet();
        var start = component.Order(StringComparer.Ordinal).First();
        var parent = new Dictionary<string, string>();
        var queue = new Queue<string>([start]);
        while (queue.Count > 0)
        {
            var v = queue.Dequeue();
            foreach (var w in next.GetValueOrDefault(v) ?? [])
            {
                if (!inside.Contains(w)) continue;
                if (w == start)
                {
                    var path = new List<string> { start };
                    for (var u = v; u != start; u = parent[u]) path.Insert(1, u);
                    path.Add(start);
                    return path;
                }
                if (parent.TryAdd(w, v)) queue.Enqueue(w);
            }
        }
        throw new InvalidOperationException("a strongly connected component without a cycle");
    }

    [GeneratedRegex(@"(?<![\w.])(?:global::)?ShuffleNet(?:\.\w+)+")]
    private static partial Regex Qualified();

    [GeneratedRegex(@"\b[A-Z]\w*\b")]
    private static partial Regex Word();
}
