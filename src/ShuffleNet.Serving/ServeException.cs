namespace ShuffleNet.Serving;

/// <summary>
/// A request the service refuses: the HTTP status, a stable <see cref="Kind"/> (in the JSON answer and the
/// <c>shufflenet_errors_total</c> metric) and a message naming the input and what to do.
/// </summary>
internal sealed class ServeException(int status, string kind, string message) : Exception(message)
{
    public int Status { get; } = status;

    public string Kind { get; } = kind;

    public static ServeException BadRequest(string kind, string message) => new(400, kind, message);

    public static ServeException TooLarge(string kind, string message) => new(413, kind, message);

    public static ServeException Unsupported(string kind, string message) => new(415, kind, message);
}
