namespace ShuffleNet.Serving;

/// <summary>Batching, limits and shutdown settings of the inference service.</summary>
public sealed record ServeOptions
{
    /// <summary>Address to listen on (default loopback only; <c>0.0.0.0</c> to serve other machines).</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>TCP port; 0 picks a free one (the bound address is then in the application's <c>Urls</c>).</summary>
    public int Port { get; init; } = 8080;

    /// <summary>Most images the model runs at once. 1 turns batching off.</summary>
    public int MaxBatch { get; init; } = 32;

    /// <summary>Longest the first image of a batch waits for others while more are still being decoded.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// Most requests admitted at once (reading, decoding, queued or running); beyond it 503 with Retry-After.
    /// </summary>
    public int QueueCapacity { get; init; } = 128;

    /// <summary>Largest request body in bytes (default 16 MiB); beyond it 413.</summary>
    public long MaxRequestBytes { get; init; } = 16 << 20;

    /// <summary>
    /// Most pixels of an image and of every image the preprocessing would make from it (default 25 M); beyond it 413.
    /// </summary>
    public long MaxPixels { get; init; } = 25_000_000;

    /// <summary>Most images in one multipart request.</summary>
    public int MaxImagesPerRequest { get; init; } = 32;

    /// <summary>Images decoded and preprocessed at once (default one per core); others wait their turn.</summary>
    public int DecodeThreads { get; init; } = Environment.ProcessorCount;

    /// <summary>Seconds a client is told to wait (Retry-After) when the queue is full.</summary>
    public int RetryAfterSeconds { get; init; } = 1;

    /// <summary>On shutdown, how long requests already admitted may take to finish.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Checks every value, naming the option and its valid range.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate()
    {
        static void Check(bool ok, string message) { if (!ok) throw new ArgumentException(message); }
        Check(Host == "localhost" || System.Net.IPAddress.TryParse(Host, out _),
            $"--host '{Host}' is not an IP address; use 127.0.0.1 (this machine only) or 0.0.0.0 (all interfaces)");
        Check(Port is >= 0 and <= 65535, $"--port must be 0-65535 (got {Port})");
        Check(MaxBatch is >= 1 and <= 1024, $"--max-batch must be 1-1024 (got {MaxBatch})");
        Check(MaxDelay >= TimeSpan.Zero && MaxDelay <= TimeSpan.FromSeconds(10),
            $"--max-delay-ms must be 0-10000 (got {MaxDelay.TotalMilliseconds})");
        Check(QueueCapacity >= 1, $"--queue must be at least 1 (got {QueueCapacity})");
        Check(MaxRequestBytes >= 1, $"--max-request-bytes must be at least 1 (got {MaxRequestBytes})");
        Check(MaxPixels >= 1, $"--max-pixels must be at least 1 (got {MaxPixels})");
        Check(MaxImagesPerRequest >= 1, $"--max-images must be at least 1 (got {MaxImagesPerRequest})");
        Check(DecodeThreads >= 1, $"--decode-threads must be at least 1 (got {DecodeThreads})");
        Check(RetryAfterSeconds >= 1, $"Retry-After must be at least 1 second (got {RetryAfterSeconds})");
        Check(DrainTimeout >= TimeSpan.Zero, $"the drain timeout must not be negative (got {DrainTimeout})");
    }
}
