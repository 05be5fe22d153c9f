using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ShuffleNet.Experiments;

/// <summary>
/// A block whose forward is more than a chain of layers (residuals, concatenations, shuffles) describes itself to a
/// <see cref="GraphTracer"/>.
/// </summary>
public interface IGraphTraceable
{
    /// <summary>
    /// Adds this block's nodes to <paramref name="tracer"/>'s graph reading node <paramref name="x"/>; returns its
    /// output node.
    /// </summary>
    int Trace(GraphTracer tracer, int x);
}
