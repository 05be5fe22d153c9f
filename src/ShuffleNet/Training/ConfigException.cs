namespace ShuffleNet.Training;

/// <summary>
/// A recipe or a command-line override is unusable; the message names the key, the value and what would work.
/// </summary>
public sealed class ConfigException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ConfigException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>
/// Training cannot start or go on (missing or empty data, labels beyond the head, an unwritable work dir, a diverged
/// loss).
/// </summary>
public sealed class TrainingException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TrainingException(string message, Exception? inner = null) : base(message, inner) { }
}
