using System.Net;
using System.Net.Sockets;
using System.Text;

// Folder ModelZoo/, namespace without it: a namespace named ModelZoo would hide the class under test.
namespace ShuffleNet.Checkpoints.Tests;

/// <summary>
/// A minimal HTTP/1.1 file server on 127.0.0.1 (port chosen by the OS), one request per connection, that can
/// misbehave on purpose: drop a transfer halfway, ignore Range, or answer 404. A raw socket, not HttpListener:
/// dropping a connection mid-body needs control of the socket, and HttpListener cannot bind port 0.
/// </summary>
internal sealed class LocalHttpServer : IDisposable
{
    public enum Mode { Serve, DropHalfway, IgnoreRange, NotFound }

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly byte[] _file;
    private readonly List<string?> _ranges = [];

    public LocalHttpServer(byte[] file)
    {
        _file = file;
        _listener.Start();
        _ = AcceptLoop();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>What to do with request number i (0-based).</summary>
    public Func<int, Mode> ModeFor { get; set; } = _ => Mode.Serve;

    /// <summary>The Range header of each request so far (null where there was none).</summary>
    public IReadOnlyList<string?> Ranges { get { lock (_ranges) return _ranges.ToList(); } }

    public Uri UrlOf(string fileName) => new($"http://127.0.0.1:{Port}/models/{fileName}");

    public void Dispose() => _listener.Stop();

    private async Task AcceptLoop()
    {
        while (true)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(); }
            catch (Exception e) when (e is SocketException or ObjectDisposedException) { return; }
            _ = Task.Run(() => Handle(client));
        }
    }

    private async Task Handle(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        var headers = await ReadHeaders(stream);
        var range = headers.FirstOrDefault(h => h.StartsWith("Range:",
            StringComparison.OrdinalIgnoreCase))?["Range:".Length..].Trim();
        int index;
        lock (_ranges) { index = _ranges.Count; _ranges.Add(range); }
        var mode = ModeFor(index);
        if (mode == Mode.NotFound)
        {
            await Write(stream, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            return;
        }
        long from = mode != Mode.IgnoreRange && range is not null ? long.Parse(range["bytes=".Length..].TrimEnd('-'))
            : 0;
        var body = _file.AsMemory((int)from);
        await Write(stream, from > 0
            ? $"HTTP/1.1 206 Partial Content\r\nContent-Range: bytes " +
                $"{from}-{_file.Length - 1}/{_file.Length}\r\nContent-Length: {body.Length}\r\nConnection: " +
                "close\r\n\r\n"
            : $"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
        // dropping: half of what was promised, then close; the client sees the body end early
        await stream.WriteAsync(mode == Mode.DropHalfway ? body[..Math.Max(0, _file.Length / 2 - (int)from)] : body);
        await stream.FlushAsync();
    }

    private static async Task<List<string>> ReadHeaders(NetworkStream stream)
    {
        var text = new StringBuilder();
        var one = new byte[1];
        while (!text.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(one) == 1)
            text.Append((char)one[0]);
        return text.ToString().Split("\r\n").ToList();
    }

    private static Task Write(NetworkStream stream, string text) => stream.WriteAsync(Encoding.ASCII.GetBytes(text))
        .AsTask();
}
