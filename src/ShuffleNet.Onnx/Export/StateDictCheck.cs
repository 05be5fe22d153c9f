using ShuffleNet.Checkpoints;

namespace ShuffleNet.Onnx.Export;

/// <summary>Validates a state dict against <see cref="ShuffleNetV2Layout"/> before anything is written.</summary>
internal static class StateDictCheck
{
    /// <summary>
    /// The width and class count of <paramref name="sd"/>, a model of <paramref name="inChannels"/>-channel images, or
    /// an <see cref="OnnxExportException"/> naming the first problem.
    /// </summary>
    public static (Width Width, int NumClasses) Validate(StateDict sd, int inChannels)
    {
        if (TorchvisionKeyMap.IsTorchvision(sd.Keys))
            throw new OnnxExportException("the state dict has torchvision keys ('stage2.…'); rename them with TorchvisionKeyMap.ToMmcls before exporting");
        var width = ShuffleNetV2Layout.InferWidth(sd) ?? throw new OnnxExportException(
            sd.TryGetValue("backbone.layers.0.0.branch2.0.conv.weight", out var t)
                ? $"not a ShuffleNet V2 state dict: 'backbone.layers.0.0.branch2.0.conv.weight' has shape {t.ShapeText}, which matches no width (0.5x, 1.0x, 1.5x, 2.0x)"
                : $"not a ShuffleNet V2 state dict: it has {sd.Count} keys and no 'backbone.layers.0.0.branch2.0.conv.weight'");
        var numClasses = ShuffleNetV2Layout.InferNumClasses(sd) ?? throw new OnnxExportException(
            $"the ShuffleNet V2 {ShuffleNetV2Layout.Name(width)} state dict has no classifier head ('head.fc.weight'); a headless backbone cannot be exported as a classifier");
        var expected = ShuffleNetV2Layout.Keys(width, numClasses, inChannels);
        string name = ShuffleNetV2Layout.Name(width);
        foreach (var (key, shape) in expected)
        {
            if (!sd.TryGetValue(key, out var actual))
                throw new OnnxExportException($"state dict does not match ShuffleNet V2 {name}: key '{key}' (shape [{string.Join(", ", shape)}]) is missing");
            if (!actual.Shape.SequenceEqual(shape))
                throw new OnnxExportException($"state dict does not match ShuffleNet V2 {name}: '{key}' has shape {actual.ShapeText}, expected [{string.Join(", ", shape)}]");
        }
        if (sd.Count != expected.Count)
        {
            var known = expected.Select(k => k.Key).ToHashSet();
            var extra = sd.Keys.First(k => !known.Contains(k));
            throw new OnnxExportException($"state dict has {sd.Count} keys; expected the {expected.Count} of ShuffleNet V2 {name} (first unexpected: '{extra}')");
        }
        return (width, numClasses);
    }
}
