namespace ShuffleNet.Checkpoints;

/// <summary>CSV as RFC 4180 writes it, for the files commands write beside their JSON (reports, predictions).</summary>
public static class CsvText
{
    /// <summary>
    /// <paramref name="field"/> as one CSV field: as it is, or in double quotes (quotes doubled) when it holds a comma,
    /// a quote or a line break (class names do: "carpenter's kit", "tench, Tinca tinca").
    /// </summary>
    public static string Field(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) < 0 ? field : "\"" + field.Replace("\"", "\"\"") + "\"";
}
