using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace ShuffleNet.Checkpoints;

/// <summary>
/// Downloads one zoo file into the cache: into <c>NAME.partial</c> (held exclusively, so two processes never write
/// it at once), resumed with an HTTP Range request, verified by SHA-256, then renamed into place.
/// </summary>
internal static class Downloader
{
    /// <summary>Transfers that break off after some bytes arrived are resumed this many times in one call.</summary>
    internal const int Attempts = 3;

    /// <summary>
    /// A transfer with no bytes for this long is treated as broken (HttpClient's timeout ends at the headers).
    /// </summary>
    internal static TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public static async Task DownloadAsync(HttpClient http, ZooEntry entry, string destination,
        IProgress<(long Done, long? Total)>? progress, CancellationToken cancel)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        var partial = destination + ".partial";
        var hint = $"to use the file without network, place it by hand at '{destination}' " +
                   $"(e.g. curl -L -o '{destination}' {entry.Url}), or pass the path of a local checkpoint file";
        FileStream file;
        try { file = new FileStream(partial, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
        catch (IOException e) { throw new CheckpointException($"cannot write '{partial}' for model '{entry.Name}' " +
            $"({e.Message}); is another process downloading it?", e); }
        await using (file.ConfigureAwait(false))
        {
            try
            {
                for (var attempt = 1; ; attempt++)
                {
                    var (broken, reason) = await TransferAsync(http, entry, file, progress, hint, cancel)
                        .ConfigureAwait(false);
                    if (!broken) break;
                    if (attempt == Attempts)
                        throw new CheckpointException($"download of model '{entry.Name}' from {entry.Url} broke off " +
                            $"{Attempts} times, last after " +
                                                      $"{file.Length:N0} bytes ({reason}); '{partial}' is kept: run " +
                                                          $"again to resume, or {hint}");
                }
            }
            catch (Exception) when (file.Length == 0)
            {
                // nothing to resume: leave no empty file (deleted while still held, so no one else opened it)
                File.Delete(partial);
                throw;
            }
            // on disk before the rename, so a crash cannot leave a short file under the final name
            file.Flush(flushToDisk: true);
            file.Position = 0;
            var actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancel).ConfigureAwait(false));
            var expected = entry.Sha256 ?? entry.HashPrefix!;
            if (!actual.StartsWith(expected, StringComparison.OrdinalIgnoreCase))
            {
                await file.DisposeAsync().ConfigureAwait(false);
                File.Delete(partial);
                throw new CheckpointException($"the file downloaded for model '{entry.Name}' from {entry.Url} has " +
                    $"SHA-256 {actual[..expected.Length]}..., " +
                                              $"expected {expected}...; it was deleted. Run again to retry; if it " +
                                                  "fails again the server holds another file");
            }
        }
        // same folder: an atomic rename, so the cache never holds a partial file
        File.Move(partial, destination, overwrite: true);
    }

    /// <summary>
    /// One request, appending to <paramref name="file"/>; returns broken = true when the body broke off and a retry can
    /// resume.
    /// </summary>
    private static async Task<(bool Broken, string Reason)> TransferAsync(HttpClient http, ZooEntry entry,
        FileStream file,
        IProgress<(long Done, long? Total)>? progress, string hint, CancellationToken cancel)
    {
        long have = file.Length;
        using var request = new HttpRequestMessage(HttpMethod.Get, entry.Url);
        if (have > 0) request.Headers.Range = new RangeHeaderValue(have, null);
        HttpResponseMessage response;
        try { response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel)
            .ConfigureAwait(false); }
        catch (Exception e) when (e is HttpRequestException || e is TaskCanceledException
            && !cancel.IsCancellationRequested)
        {
            throw new CheckpointException($"cannot download model '{entry.Name}': {entry.Url} is unreachable " +
                $"({e.Message}); {hint}", e);
        }
        using (response)
        {
            if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && have > 0)
            {
                file.SetLength(0);   // the partial file does not fit the server's file (changed?): start over
                return (true, "the server refused to resume");
            }
            if (!response.IsSuccessStatusCode)
                throw new CheckpointException($"cannot download model '{entry.Name}': {entry.Url} answered " +
                    $"{(int)response.StatusCode} {response.ReasonPhrase}; {hint}");
            long? total = response.Content.Headers.ContentLength;
            if (response.StatusCode == HttpStatusCode.PartialContent
                && response.Content.Headers.ContentRange is { } range)
            {
                if (range.From != have) { file.SetLength(0); return (true,
                    $"the server resumed at byte {range.From}, not {have}"); }
                total = range.Length ?? have + total;
            }
            else have = 0;   // 200: the server ignored the Range header and sends the whole file
            file.SetLength(have);
            file.Position = have;
            progress?.Report((have, total));
            var body = await response.Content.ReadAsStreamAsync(cancel).ConfigureAwait(false);
            var buffer = new byte[1 << 16];
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            while (true)
            {
                int n;
                try
                {
                    idle.CancelAfter(IdleTimeout);
                    n = await body.ReadAsync(buffer, idle.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancel.IsCancellationRequested) { return (true,
                    $"no data for {IdleTimeout.TotalSeconds:0} s"); }
                catch (IOException e) { return (true, e.Message); }
                if (n == 0) break;
                await file.WriteAsync(buffer.AsMemory(0, n), cancel).ConfigureAwait(false);
                have += n;
                progress?.Report((have, total));
            }
            return total is { } t && have < t ? (true, $"the connection closed at {have:N0} of {t:N0} bytes") : (false,
                "");
        }
    }
}
