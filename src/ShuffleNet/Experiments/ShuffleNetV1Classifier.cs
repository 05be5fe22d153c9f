using ShuffleNet.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ShuffleNet.Experiments;

/// <summary>
/// mmpretrain's <c>ImageClassifier</c> around <see cref="ShuffleNetV1"/>: <c>backbone</c>, global average pooling,
/// <c>head.fc</c>. Output <c>[N, NumClasses]</c>.
/// </summary>
public sealed class ShuffleNetV1Classifier : nn.Module<Tensor, Tensor>, IGraphTraceable
{
    private readonly ShuffleNetV1 backbone;
    private readonly LinearClsHead head;

    /// <summary>Builds the classifier.</summary>
    public ShuffleNetV1Classifier(int groups = 3, double widenFactor = 1.0,
        int numClasses = 1000) : base(nameof(ShuffleNetV1Classifier))
    {
        backbone = new ShuffleNetV1(groups, widenFactor);
        head = new LinearClsHead(numClasses, backbone.OutChannels);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => head.call([backbone.call(x).mean([2L, 3L])]);

    /// <inheritdoc />
    public int Trace(GraphTracer tracer, int x) => tracer.Module(head.Fc,
        tracer.Graph.GlobalPool(tracer.Module(backbone, x)));
}
