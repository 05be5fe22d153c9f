using ShuffleNet.Checkpoints;
using ShuffleNet.Models;
using static TorchSharp.torch;

namespace ShuffleNet.Visualization;

/// <summary>The maps of one image: for class <paramref name="Class"/>, at the resolution of the target layer.</summary>
/// <param name="Class">The class explained.</param>
/// <param name="Logits">The model's logits for the image.</param>
/// <param name="Height">Rows of the target layer's feature map.</param>
/// <param name="Width">Columns of the target layer's feature map.</param>
/// <param name="GradCam">Grad-CAM, <c>[Height, Width]</c>, normalised to 0..1
/// (<see cref="CamMaps.Normalize"/>).</param>
/// <param name="GradCamPlusPlus">Grad-CAM++, the same shape, normalised.</param>
public sealed record CamResult(int Class, float[] Logits, int Height, int Width, double[] GradCam,
    double[] GradCamPlusPlus);

/// <summary>
/// Grad-CAM and Grad-CAM++ of an <see cref="ImageClassifier"/>, as mmpretrain's <c>tools/visualization/vis_cam.py</c>
/// and pytorch-grad-cam compute them: a forward hook keeps the target layer's output, the gradient of the class's
/// logit (not its softmax) with respect to it is taken with <c>torch.autograd.grad</c>, and <see cref="CamMaps"/> does
/// the rest. Layers are named as mmpretrain's modules (<c>backbone.layers.3</c>) or as torchvision's stages
/// (<see cref="Aliases"/>).
/// </summary>
public static class GradCam
{
    /// <summary>torchvision's stage names and the mmpretrain module each one is.</summary>
    public static IReadOnlyDictionary<string, string> Aliases { get; } = new Dictionary<string, string>
    {
        ["conv1"] = "backbone.conv1",
        ["stage2"] = "backbone.layers.0",
        ["stage3"] = "backbone.layers.1",
        ["stage4"] = "backbone.layers.2",
        ["conv5"] = "backbone.layers.3",
    };

    /// <summary>The default target: the last feature map before pooling (<c>conv5</c>), as for most CNNs.</summary>
    public const string DefaultLayer = "conv5";

    /// <summary>
    /// The module name <paramref name="layer"/> means: an alias (<c>stage4</c>), an alias with a unit
    /// (<c>stage4.3</c> = <c>backbone.layers.2.3</c>), or a module name as it stands.
    /// </summary>
    public static string ModuleName(string layer)
    {
        if (Aliases.TryGetValue(layer, out var name)) return name;
        int dot = layer.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && Aliases.TryGetValue(layer[..dot], out var stage) ? stage + layer[dot..] : layer;
    }

    /// <summary>
    /// The maps of one normalised image <paramref name="chw"/> (<c>[C, H, W]</c>, the model's input) for class
    /// <paramref name="target"/>, or the top-1 class when null.
    /// </summary>
    /// <exception cref="ArgumentException">The layer is not a module of the model (the message lists the choices), its
    /// output is not a 4-d feature map, or the class is out of range.</exception>
    public static CamResult Compute(ImageClassifier model, ReadOnlySpan<float> chw, int[] shape, string layer,
        int? target)
    {
        var module = Find(model, layer);
        using var scope = NewDisposeScope();
        model.eval();
        Tensor? captured = null;
        var hook = module.register_forward_hook((_, _, output) =>
        {
            // a unit inside a stage: TorchSharp's Sequential disposes each unit's output once the next has run, so the
            // stage carries on with a view (same values, and gradients flow back through it) and we keep the original
            captured = output;
            return output.alias();
        });
        try
        {
            using var grad = enable_grad();
            // in the model's own precision: a float64 copy of the model gives float64 maps (the parity test's check)
            var dtype = model.parameters().First().dtype;
            var input = tensor(chw.ToArray(), [1, .. shape.Select(d => (long)d)]).to(dtype).requires_grad_(true);
            var logits = model.call(input);
            if (captured is null || captured.ndim != 4)
                throw new ArgumentException(
                    $"--target-layer '{layer}' gives no 4-d feature map; choose a stage or a unit");
            var values = logits[0].detach().to(ScalarType.Float32).data<float>().ToArray();
            int cls = target ?? Logits.ArgMax(values);
            if (cls < 0 || cls >= values.Length)
                throw new ArgumentException($"--class {cls} is outside the model's classes 0..{values.Length - 1}");
            var gradients = autograd.grad([logits[0, cls]], [captured])[0];
            var a = captured.detach()[0].to(ScalarType.Float64).contiguous().data<double>().ToArray();
            var g = gradients[0].to(ScalarType.Float64).contiguous().data<double>().ToArray();
            int c = (int)captured.shape[1], h = (int)captured.shape[2], w = (int)captured.shape[3];
            return new CamResult(cls, values, h, w,
                CamMaps.Normalize(CamMaps.GradCam(a, g, c, h, w)),
                CamMaps.Normalize(CamMaps.GradCamPlusPlus(a, g, c, h, w)));
        }
        finally
        {
            hook.remove();
        }
    }

    private static nn.Module<Tensor, Tensor> Find(ImageClassifier model, string layer)
    {
        var name = ModuleName(layer);
        var modules = model.named_modules().ToList();
        if (modules.FirstOrDefault(m => m.name == name).module is nn.Module<Tensor, Tensor> found) return found;
        var examples = Aliases.Keys.Concat(["stage4.3", "backbone.layers.2.3"]);
        throw new ArgumentException($"--target-layer '{layer}' is not a layer of this model; use one of " +
                                    $"{string.Join(", ", examples)} (a stage, a unit, or an mmpretrain module name)");
    }
}
