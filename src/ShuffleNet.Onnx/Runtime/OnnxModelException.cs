namespace ShuffleNet.Onnx.Runtime;

/// <summary>An ONNX model could not be opened or run: not an ONNX file, wrong inputs, or a wrong input shape.</summary>
public sealed class OnnxModelException : Exception
{
    /// <summary>Creates the exception with a message naming the file or the expected shape.</summary>
    public OnnxModelException(string message, Exception? inner = null) : base(message, inner) { }
}
