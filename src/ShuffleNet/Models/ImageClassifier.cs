using ShuffleNet.Checkpoints;
using ShuffleNet.Layers;
using static TorchSharp.torch;

namespace ShuffleNet.Models;

/// <summary>
/// mmpretrain's <c>ImageClassifier</c>: <c>backbone</c> → <c>neck</c> → <c>head</c>. Input <c>[N, C, H, W]</c> float32
/// (normalised as the model was trained); output <c>[N, NumClasses]</c> logits. State-dict keys are mmpretrain's
/// (<c>backbone.conv1.conv.weight</c> … <c>head.fc.bias</c>), so checkpoints move both ways.
/// </summary>
public sealed class ImageClassifier : nn.Module<Tensor, Tensor>
{
    private readonly ShuffleNetV2 backbone;
    private readonly GlobalAveragePooling neck;
    private readonly LinearClsHead head;

    /// <summary>
    /// Builds a classifier around <paramref name="backbone"/> with a fresh head of <paramref name="numClasses"/>
    /// classes.
    /// </summary>
    public ImageClassifier(ShuffleNetV2 backbone, int numClasses) : base(nameof(ImageClassifier))
    {
        this.backbone = backbone;
        neck = new GlobalAveragePooling();
        head = new LinearClsHead(numClasses, backbone.OutChannels);
        RegisterComponents();
    }

    /// <summary>The backbone.</summary>
    public ShuffleNetV2 Backbone => backbone;

    /// <summary>The head.</summary>
    public LinearClsHead Head => head;

    /// <summary>Number of classes.</summary>
    public int NumClasses => head.NumClasses;

    /// <summary>Width of the backbone.</summary>
    public Width Width => backbone.Width;

    /// <summary>Class names, when known (from a checkpoint's meta or a dataset).</summary>
    public IReadOnlyList<string>? Classes { get; set; }

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => head.call(neck.call(backbone.call(x)));

    /// <summary>The pooled features before the head, <c>[N, C]</c>.</summary>
    public Tensor ForwardFeatures(Tensor x) => neck.call(backbone.call(x))[^1];
}
