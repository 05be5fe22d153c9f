using ShuffleNet.Vision.Datasets;
using ShuffleNet.Vision.Decoding;

namespace ShuffleNet.Data;

/// <summary>
/// The samples of some of a dataset's classes, relabelled 0..k-1 in the order given: a new class split of the same
/// images, for fine-tuning a model to another task (<c>data.classes</c>).
/// </summary>
public sealed class ClassSubset : IImageDataset
{
    private readonly IImageDataset _inner;
    private readonly int[] _indices;
    private readonly int[] _newLabel;

    /// <summary>
    /// The samples of <paramref name="inner"/> whose label is in <paramref name="keep"/> (old labels, in the new
    /// order).
    /// </summary>
    /// <exception cref="ArgumentException">A class is out of range or given twice.</exception>
    public ClassSubset(IImageDataset inner, IReadOnlyList<int> keep)
    {
        Check(keep, inner.NumClasses);
        _newLabel = Enumerable.Repeat(-1, inner.NumClasses).ToArray();
        for (int i = 0; i < keep.Count; i++) _newLabel[keep[i]] = i;
        _inner = inner;
        _indices = [.. Enumerable.Range(0, inner.Count).Where(i => _newLabel[inner.GetLabel(i)] >= 0)];
        Classes = [.. keep.Select(k => inner.Classes[k])];
    }

    /// <inheritdoc />
    public int Count => _indices.Length;

    /// <inheritdoc />
    public int NumClasses => Classes.Count;

    /// <inheritdoc />
    public IReadOnlyList<string> Classes { get; }

    /// <inheritdoc />
    public int GetLabel(int index) => _newLabel[_inner.GetLabel(_indices[index])];

    /// <inheritdoc />
    public string Describe(int index) => _inner.Describe(_indices[index]);

    /// <inheritdoc />
    public ImageU8 Load(int index) => _inner.Load(_indices[index]);

    /// <summary>
    /// Parses <c>data.classes</c>: comma-separated class names of <paramref name="classes"/> or their indices; empty
    /// means all (null).
    /// </summary>
    /// <exception cref="ArgumentException">An entry is neither a name nor an index, is out of range or
    /// repeated.</exception>
    public static int[]? Parse(string spec, IReadOnlyList<string> classes)
    {
        if (string.IsNullOrWhiteSpace(spec)) return null;
        return Checked([.. spec.Split(',').Select(part =>
        {
            var s = part.Trim();
            int byName = classes.ToList().FindIndex(c => string.Equals(c, s, StringComparison.OrdinalIgnoreCase));
            if (byName >= 0) return byName;
            if (int.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out int index)) return index;
            throw new ArgumentException($"'{s}' is neither a class name ({string.Join(", ", classes)}) nor an index");
        })], classes.Count);
    }

    private static int[] Checked(int[] keep, int numClasses)
    {
        Check(keep, numClasses);
        return keep;
    }

    private static void Check(IReadOnlyList<int> keep, int numClasses)
    {
        if (keep.Count == 0) throw new ArgumentException("no classes given");
        var seen = new HashSet<int>();
        foreach (int k in keep)
        {
            if (k < 0 || k >= numClasses)
                throw new ArgumentException($"class {k} is not one of the {numClasses} (0..{numClasses - 1})");
            if (!seen.Add(k)) throw new ArgumentException($"class {k} is given twice");
        }
    }
}
