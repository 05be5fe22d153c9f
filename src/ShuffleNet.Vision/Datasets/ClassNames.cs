namespace ShuffleNet.Vision.Datasets;

/// <summary>
/// Class-name files: one name per line, in label order (like <c>imagenet_classes.txt</c> or mmcls
/// <c>meta/classes.txt</c>).
/// </summary>
public static class ClassNames
{
    private static readonly Lazy<IReadOnlyList<string>> ImageNet = new(() =>
    {
        using var stream = typeof(ClassNames).Assembly.GetManifestResourceStream("imagenet_classes.txt")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).ToArray();
    });

    /// <summary>
    /// The 1000 ImageNet-1k class names in index order (torchvision's and mmpretrain's order), built in.
    /// </summary>
    public static IReadOnlyList<string> ImageNet1k => ImageNet.Value;

    /// <summary>Reads the names; surrounding whitespace is trimmed and trailing blank lines ignored.</summary>
    /// <exception cref="DatasetException">The file is missing, empty, or has a blank line among the names.</exception>
    public static IReadOnlyList<string> Load(string path)
    {
        if (!File.Exists(path)) throw new DatasetException(path, "class-name file not found");
        var lines = File.ReadAllLines(path).Select(l => l.Trim()).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        if (lines.Count == 0) throw new DatasetException(path, "class-name file is empty; expected one name per line");
        int blank = lines.IndexOf("");
        if (blank >= 0) throw new DatasetException(path, $"line {blank + 1} is blank; expected one class name per " +
            "line");
        return lines;
    }
}
