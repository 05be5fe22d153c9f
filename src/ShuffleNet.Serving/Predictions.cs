namespace ShuffleNet.Serving;

/// <summary>One class of the top-k: index, name and softmax probability.</summary>
public sealed record Prediction(int Index, string Label, double Score);

/// <summary>The answer for one image, the shape of one line of <c>shufflenet predict --json</c>.</summary>
public sealed record ImageResult(string Image, IReadOnlyList<Prediction> Top);

/// <summary>Top-k classes of a logit vector: softmax in double, ties broken by the lower index.</summary>
public static class TopK
{
    /// <summary>
    /// The <paramref name="k"/> most probable classes of <paramref name="logits"/>, named from <paramref name="names"/>
    /// (<c>class_N</c> where null).
    /// </summary>
    public static IReadOnlyList<Prediction> Of(ReadOnlySpan<float> logits, int k, IReadOnlyList<string>? names)
    {
        // softmax in double, shifted by the max for stability
        double max = double.NegativeInfinity;
        foreach (var v in logits) max = Math.Max(max, v);
        var p = new double[logits.Length];
        double sum = 0;
        for (int i = 0; i < p.Length; i++) sum += p[i] = Math.Exp(logits[i] - max);
        return Enumerable.Range(0, p.Length).OrderByDescending(i => p[i]).ThenBy(i => i).Take(k)
            .Select(i => new Prediction(i, names?[i] ?? $"class_{i}", p[i] / sum)).ToList();
    }
}
