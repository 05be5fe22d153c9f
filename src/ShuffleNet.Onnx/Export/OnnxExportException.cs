namespace ShuffleNet.Onnx.Export;

/// <summary>
/// An ONNX export failed: the state dict is not ShuffleNet V2, an option is invalid, or the file cannot be written.
/// </summary>
public sealed class OnnxExportException : Exception
{
    /// <summary>Creates the exception with a message that says what to do.</summary>
    public OnnxExportException(string message, Exception? inner = null) : base(message, inner) { }
}
