namespace ShuffleNet.Distributed;

/// <summary>A process group could not start, a collective failed, or the launch environment is inconsistent.</summary>
public sealed class DistributedException : Exception
{
    /// <summary>An error with a message that says what to do.</summary>
    public DistributedException(string message) : base(message) { }

    /// <summary>An error caused by <paramref name="inner"/>.</summary>
    public DistributedException(string message, Exception inner) : base(message, inner) { }
}
