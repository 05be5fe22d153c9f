using ShuffleNet.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace ShuffleNet.Models;

/// <summary>
/// Copies tensors between TorchSharp modules and <see cref="StateDict"/>s (the checkpoint representation).
/// </summary>
public static class Weights
{
    /// <summary>
    /// Copies every entry of <paramref name="stateDict"/> into <paramref name="module"/>'s parameters and buffers.
    /// Strict: the key sets must be equal and shapes identical; the message names <paramref name="source"/>, the first
    /// bad key and both shapes.
    /// </summary>
    /// <exception cref="CheckpointException">Keys or shapes differ.</exception>
    public static void Load(nn.Module module, StateDict stateDict, string source)
    {
        var target = module.state_dict();
        var missing = target.Keys.FirstOrDefault(k => !stateDict.ContainsKey(k));
        if (missing is not null)
            throw new CheckpointException($"checkpoint '{source}' lacks '{missing}' that the model needs " +
                $"({stateDict.Count} keys in the file, {target.Count} in the model)");
        var extra = stateDict.Keys.FirstOrDefault(k => !target.ContainsKey(k));
        if (extra is not null)
            throw new CheckpointException($"checkpoint '{source}' has '{extra}' that the model does not " +
                $"({stateDict.Count} keys in the file, {target.Count} in the model)");
        using var _ = no_grad();
        foreach (var (key, dst) in target)
        {
            var src = stateDict[key];
            if (!src.Shape.SequenceEqual(dst.shape))
                throw new CheckpointException($"checkpoint '{source}': '{key}' has shape {src.ShapeText}, the model " +
                    $"expects [{string.Join(", ", dst.shape)}]");
            using var t = ToTensor(src);
            dst.copy_(t);
        }
    }

    /// <summary>
    /// The module's parameters and buffers as a <see cref="StateDict"/> in PyTorch's order: module by module in
    /// registration order, each module's own parameters, then its own buffers (TorchSharp's <c>state_dict()</c> lists
    /// all parameters before all buffers; PyTorch and mmpretrain files interleave them).
    /// </summary>
    public static StateDict ToStateDict(nn.Module module)
    {
        var result = new StateDict();
        foreach (var (prefix, m) in module.named_modules().Prepend(("", module)))
        {
            var p = prefix.Length == 0 ? "" : prefix + ".";
            foreach (var (name, t) in m.named_parameters(recurse: false)) result[p + name] = FromTensor(t);
            foreach (var (name, t) in m.named_buffers(recurse: false, include_nonpersistent: false)) result[p
                + name] = FromTensor(t);
        }
        return result;
    }

    /// <summary>A CPU tensor holding a copy of <paramref name="data"/>.</summary>
    public static Tensor ToTensor(TensorData data)
    {
        var dtype = data.DType switch
        {
            DType.Float32 => ScalarType.Float32, DType.Float64 => ScalarType.Float64,
                DType.Float16 => ScalarType.Float16,
            DType.BFloat16 => ScalarType.BFloat16, DType.Int64 => ScalarType.Int64, DType.Int32 => ScalarType.Int32,
            DType.Int16 => ScalarType.Int16, DType.Int8 => ScalarType.Int8, DType.UInt8 => ScalarType.Byte,
                DType.Bool => ScalarType.Bool,
            _ => throw new NotSupportedException(data.DType.ToString()),
        };
        var t = empty(data.Shape, dtype);
        t.bytes = data.Bytes;
        return t;
    }

    /// <summary>A copy of a tensor's elements (moved to the CPU, made contiguous).</summary>
    public static TensorData FromTensor(Tensor t)
    {
        using var c = t.detach().cpu().contiguous();
        var dtype = c.dtype switch
        {
            ScalarType.Float32 => DType.Float32, ScalarType.Float64 => DType.Float64,
                ScalarType.Float16 => DType.Float16,
            ScalarType.BFloat16 => DType.BFloat16, ScalarType.Int64 => DType.Int64, ScalarType.Int32 => DType.Int32,
            ScalarType.Int16 => DType.Int16, ScalarType.Int8 => DType.Int8, ScalarType.Byte => DType.UInt8,
                ScalarType.Bool => DType.Bool,
            _ => throw new NotSupportedException(c.dtype.ToString()),
        };
        return new TensorData(dtype, c.shape, c.bytes.ToArray());
    }
}
