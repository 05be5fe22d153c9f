namespace ShuffleNet.Checkpoints;

/// <summary>
/// A checkpoint file could not be read, written or used: missing, empty, truncated, not a PyTorch file,
/// refers to a Python global outside the allow-list, or does not match the expected layout.
/// The message names the file and, where it can, says what to do.
/// </summary>
public sealed class CheckpointException : Exception
{
    /// <summary>Creates the exception with a message that names the file.</summary>
    public CheckpointException(string message) : base(message) { }

    /// <summary>Creates the exception with a message that names the file and the underlying error.</summary>
    public CheckpointException(string message, Exception inner) : base(message, inner) { }
}
