using ShuffleNet.Vision.Decoding;

namespace ShuffleNet.Vision.Datasets;

/// <summary>
/// mmcls's annotation-file mode (<c>ann_file</c> + <c>data_prefix</c>), like ImageNet's <c>meta/val.txt</c>: one
/// <c>relative/path.JPEG label</c> per line (split at the last whitespace, so paths may hold spaces), paths
/// relative to <see cref="DataPrefix"/>. Everything is validated up front: labels, and that every file exists.
/// </summary>
public sealed class AnnotationListDataset : FileListDataset
{
    /// <summary>
    /// Reads <paramref name="annotationFile"/>; without <paramref name="classes"/> the classes are "0" .. "max label".
    /// </summary>
    /// <exception cref="DatasetException">Missing file, malformed line (with its number), bad label, or listed images
    /// that do not exist.</exception>
    public AnnotationListDataset(string annotationFile, string dataPrefix, IReadOnlyList<string>? classes = null,
        ImageDecoder? decoder = null)
        : base(Read(annotationFile, dataPrefix, classes), decoder) => DataPrefix = dataPrefix;

    private static FileList Read(string annotationFile, string dataPrefix, IReadOnlyList<string>? classes)
    {
        if (!File.Exists(annotationFile)) throw new DatasetException(annotationFile, "annotation file not found");
        var files = new List<string>();
        var labels = new List<int>();
        int lineNo = 0;
        foreach (var raw in File.ReadLines(annotationFile))
        {
            lineNo++;
            var line = raw.Trim();
            if (line.Length == 0) continue;
            int cut = line.LastIndexOfAny([' ', '\t']);
            if (cut <= 0)
                throw new DatasetException(annotationFile, $"line {lineNo} is malformed: \"{line}\"; expected " +
                    "\"relative/path label\"");
            string label = line[(cut + 1)..];
            if (!int.TryParse(label, System.Globalization.NumberStyles.AllowLeadingSign,
                System.Globalization.CultureInfo.InvariantCulture, out int y) || y < 0)
                throw new DatasetException(annotationFile, $"line {lineNo}: label \"{label}\" is not a non-negative " +
                    "integer");
            if (classes is not null && y >= classes.Count)
                throw new DatasetException(annotationFile, $"line {lineNo}: label {y} is out of range for " +
                    $"{classes.Count} classes");
            files.Add(Path.Combine(dataPrefix, line[..cut].TrimEnd()));
            labels.Add(y);
        }
        if (files.Count == 0) throw new DatasetException(annotationFile, "annotation file lists no images");
        var missing = files.Where(f => !File.Exists(f)).ToList();
        if (missing.Count > 0)
            throw new DatasetException(annotationFile,
                $"{missing.Count} listed image(s) do not exist under '{dataPrefix}', first: " +
                    $"{string.Join(", ", missing.Take(5).Select(m => $"'{m}'"))}");
        return new FileList(files.ToArray(), labels.ToArray(),
            classes ?? Enumerable.Range(0, labels.Max() + 1)
                .Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
    }

    /// <summary>The folder the listed paths are relative to.</summary>
    public string DataPrefix { get; }
}
