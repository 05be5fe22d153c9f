namespace ShuffleNet.Checkpoints;

/// <summary>
/// Checks a state dict against <see cref="ShuffleNetV2Layout.Keys"/> before anything loads it, so a wrong
/// file fails with a message that names it and the first difference instead of a shape error deep inside a model.
/// </summary>
public static class LayoutCheck
{
    private const string ProbeKey = "backbone.layers.0.0.branch2.0.conv.weight";

    /// <summary>
    /// Validates <paramref name="stateDict"/> (mmpretrain keys) and returns its width and number of classes. The width
    /// is inferred from the stage-2 channels unless <paramref name="expectedWidth"/> is given, in which case every
    /// shape must match that width. A backbone-only state dict (no <c>head.fc.*</c>) is valid and gives null classes;
    /// when it has a head and <paramref name="expectedNumClasses"/> is given, they must agree. Keys, order aside, and
    /// shapes must match exactly; dtypes are not checked.
    /// </summary>
    /// <param name="stateDict">The state dict, e.g. <see cref="Checkpoint.StateDict"/>.</param>
    /// <param name="source">The file (or other origin) to name in messages.</param>
    /// <param name="expectedWidth">The width the caller will build, or null to accept any.</param>
    /// <param name="expectedNumClasses">The head size the caller will build, or null to accept any.</param>
    /// <param name="inChannels">The image channels the caller will feed (1 or 3), or null to take conv1's.</param>
    /// <exception cref="CheckpointException">A key is missing or unexpected, a shape differs, or no width
    /// fits.</exception>
    public static (Width Width, int? NumClasses) Validate(StateDict stateDict, string source,
        Width? expectedWidth = null, int? expectedNumClasses = null,
        int? inChannels = null)
    {
        var width = expectedWidth ?? ShuffleNetV2Layout.InferWidth(stateDict) ?? throw new CheckpointException(
            stateDict.TryGetValue(ProbeKey, out var probe)
                ? $"checkpoint '{source}' has '{ProbeKey}' of shape {probe.ShapeText}, which fits no ShuffleNet V2 " +
                    "width (0.5x, 1.0x, 1.5x, 2.0x)"
                : $"checkpoint '{source}' has no '{ProbeKey}', so its width cannot be inferred; is it a ShuffleNet " +
                    "V2 checkpoint?");
        var name = $"ShuffleNetV2 {ShuffleNetV2Layout.Name(width)}";
        int? numClasses = stateDict.ContainsKey("head.fc.weight") || stateDict.ContainsKey("head.fc.bias")
            ? ShuffleNetV2Layout.InferNumClasses(stateDict) ?? expectedNumClasses ?? 0
            : null;
        if (numClasses is not null && expectedNumClasses is { } want && numClasses != want)
            throw new CheckpointException($"checkpoint '{source}' has a head of {numClasses} classes; expected " +
                $"{want}. " +
                "To fine-tune on other classes, drop the head.fc.* keys and load the backbone only.");
        // grayscale models (1-channel conv1) are ShuffleNet V2 too; any other count is caught as a shape mismatch
        inChannels ??= ShuffleNetV2Layout.InferInChannels(stateDict) is 1 ? 1 : 3;
        var expected = ShuffleNetV2Layout.Keys(width, numClasses ?? 0, inChannels.Value);
        var expectedKeys = expected.Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        var what = numClasses is null ? $"{name} backbone (no head)" : $"{name} with {numClasses} classes";

        var unexpected = stateDict.Keys.FirstOrDefault(k => !expectedKeys.Contains(k));
        if (unexpected is not null)
            throw new CheckpointException($"checkpoint '{source}' has {stateDict.Count} keys; expected the " +
                $"{expected.Count} of {what} " +
                $"(first unexpected: '{unexpected}'). Is it another model, or a width other than " +
                    $"{ShuffleNetV2Layout.Name(width)}?");
        var missing = expected.FirstOrDefault(e => !stateDict.ContainsKey(e.Key)).Key;
        if (missing is not null)
            throw new CheckpointException($"checkpoint '{source}' has {stateDict.Count} keys; expected the " +
                $"{expected.Count} of {what} " +
                $"(first missing: '{missing}'). Is the file complete?");
        foreach (var (key, shape) in expected)
        {
            var t = stateDict[key];
            if (!t.Shape.SequenceEqual(shape))
                throw new CheckpointException($"checkpoint '{source}' does not match {name}: '{key}' has shape " +
                    $"{t.ShapeText}, " +
                    $"expected [{string.Join(", ", shape)}]");
        }
        return (width, numClasses);
    }
}
