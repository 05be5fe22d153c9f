namespace ShuffleNet.Checkpoints;

/// <summary>
/// What every classifier output is read with (evaluation, Grad-CAM, the quantization gate), so all of them name the
/// same class for the same scores.
/// </summary>
public static class Logits
{
    /// <summary>
    /// The index of the largest of <paramref name="scores"/>: the first one on ties; a NaN never wins (0 when every
    /// score is NaN).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="scores"/> is empty.</exception>
    public static int ArgMax(ReadOnlySpan<float> scores)
    {
        if (scores.IsEmpty) throw new ArgumentException("no scores to take the largest of", nameof(scores));
        int best = -1;
        for (int i = 0; i < scores.Length; i++)
            if (!float.IsNaN(scores[i]) && (best < 0 || scores[i] > scores[best])) best = i;
        return Math.Max(best, 0);
    }
}
