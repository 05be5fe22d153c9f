namespace ShuffleNet.Data;

/// <summary>The data cannot be used: missing, empty or malformed files, or labels beyond the model's classes.</summary>
public sealed class DataException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DataException(string message, Exception? inner = null) : base(message, inner) { }
}
