using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using ShuffleNet.Vision.Decoding;
using ShuffleNet.Vision.Transforms;

namespace ShuffleNet.Serving;

/// <summary>An encoded image as it arrived: the name it is answered under and its bytes.</summary>
internal sealed record EncodedImage(string Name, byte[] Bytes);

/// <summary>
/// Reads the images of a request (a body of one image, or multipart with several) within the byte and count limits,
/// and turns each into a model input: header checked against the pixel limit before anything is decoded, then
/// decoded and preprocessed, at most <see cref="ServeOptions.DecodeThreads"/> at once.
/// </summary>
internal sealed class ImageIntake(ServeOptions options, Pipeline pipeline)
{
    // the header read alone allocates no pixels, so it runs without a limit and the service applies its own
    private static readonly MediaTypeHeaderValue AnyImage = new("image/*");
    private static readonly ImageDecoder HeaderReader = new(new DecoderOptions { MaxPixels = long.MaxValue });
    private readonly ImageDecoder _decoder = new(new DecoderOptions { MaxPixels = options.MaxPixels });
    private readonly SemaphoreSlim _slots = new(options.DecodeThreads);
    private int _pending;

    /// <summary>Images being read or decoded now (the batcher waits while there are some).</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>
    /// Counts an image on its way to the queue, from the start of its request's body to its preprocessing.
    /// </summary>
    public IDisposable Arriving(int count = 1)
    {
        Interlocked.Add(ref _pending, count);
        return new Release(() => Interlocked.Add(ref _pending, -count));
    }

    /// <summary>
    /// The request's images: the whole body for <c>image/*</c>, <c>application/octet-stream</c> or no type; each part
    /// of <c>multipart/form-data</c> that is a file or has an image type (then <c>Multipart</c> is true).
    /// </summary>
    /// <exception cref="ServeException">Unsupported content type, too large, too many images, none, or malformed
    /// multipart.</exception>
    public async Task<(List<EncodedImage> Images, bool Multipart)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > options.MaxRequestBytes) throw BodyTooLarge(request.ContentLength.Value);
        var type = request.ContentType is { } t && MediaTypeHeaderValue.TryParse(t, out var parsed) ? parsed : null;
        if (request.ContentType is not null && type is null)
            throw ServeException.Unsupported("unsupported_type",
                $"Content-Type '{request.ContentType}' cannot be parsed; {HowToSend}");
        if (type is null || type.IsSubsetOf(AnyImage) || type.MatchesMediaType("application/octet-stream"))
        {
            var body = await ReadAllAsync(request.Body, options.MaxRequestBytes, ct);
            return ([new EncodedImage(NameOf(request.Headers.ContentDisposition), body)], false);
        }
        if (type.MatchesMediaType("multipart/form-data")) return (await ReadMultipartAsync(request, type, ct), true);
        throw ServeException.Unsupported("unsupported_type",
            $"Content-Type '{type.MediaType}' is not an image; {HowToSend}");
    }

    private const string HowToSend = "send an image body with Content-Type image/jpeg, image/png, ... or " +
        "application/octet-stream " +
        "(curl -H 'Content-Type: image/jpeg' --data-binary @FILE), or multipart/form-data with one file per image " +
            "(curl -F image=@FILE)";

    private async Task<List<EncodedImage>> ReadMultipartAsync(HttpRequest request, MediaTypeHeaderValue type,
        CancellationToken ct)
    {
        var boundary = HeaderUtilities.RemoveQuotes(type.Boundary).Value;
        if (string.IsNullOrEmpty(boundary) || boundary.Length > 70)
            throw ServeException.BadRequest("bad_multipart",
                "multipart/form-data without a valid boundary (1-70 characters)");
        var reader = new MultipartReader(boundary, request.Body) { BodyLengthLimit = options.MaxRequestBytes };
        var images = new List<EncodedImage>();
        long total = 0;
        try
        {
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (images.Count == options.MaxImagesPerRequest)
                    throw ServeException.TooLarge("too_many_images",
                        $"more than {options.MaxImagesPerRequest} images in one request " +
                        "(the service's --max-images); split them over several requests");
                // form fields (no file name, no image type) are not images; a client may send them alongside
                bool isFile = ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var cd)
                    && (cd.FileName.HasValue || cd.FileNameStar.HasValue);
                if (!isFile && !(MediaTypeHeaderValue.TryParse(section.ContentType, out var partType)
                    && partType.IsSubsetOf(AnyImage)))
                    continue;
                var name = NameOf(section.ContentDisposition, $"part {images.Count + 1}");
                var bytes = await ReadAllAsync(section.Body, options.MaxRequestBytes - total, ct);
                total += bytes.Length;
                images.Add(new EncodedImage(name, bytes));
            }
        }
        catch (InvalidDataException e) when (e.Message.Contains("length limit", StringComparison.Ordinal))
        {
            throw BodyTooLarge(null);
        }
        catch (Exception e) when (e is InvalidDataException or IOException and not BadHttpRequestException)
        {
            throw ServeException.BadRequest("bad_multipart", $"the multipart body cannot be read: {e.Message}");
        }
        if (images.Count == 0) throw ServeException.BadRequest("no_image",
            $"the multipart body holds no file; {HowToSend}");
        return images;
    }

    private ServeException BodyTooLarge(long? length) => ServeException.TooLarge("too_large",
        $"the request body {(length is { } n ? $"is {n:N0} bytes" : "goes")} over the limit of " +
            $"{options.MaxRequestBytes:N0} " +
        "bytes (the service's --max-request-bytes); send a smaller image");

    private async Task<byte[]> ReadAllAsync(Stream body, long limit, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            int read;
            while ((read = await body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > limit) throw BodyTooLarge(null);
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw BodyTooLarge(null);
        }
        finally { ArrayPool<byte>.Shared.Return(chunk); }
        return buffer.ToArray();
    }

    private static string NameOf(string? contentDisposition, string fallback = "image") =>
        ContentDispositionHeaderValue.TryParse(contentDisposition, out var cd) && cd.FileNameStar.HasValue
            ? cd.FileNameStar.Value!
        : cd is not null && cd.FileName.HasValue ? HeaderUtilities.RemoveQuotes(cd.FileName).Value!
        : fallback;

    /// <summary>
    /// Decodes and preprocesses <paramref name="image"/> when a decode slot is free; the sample is rented from
    /// <see cref="ArrayPool{T}.Shared"/> (the batcher returns it).
    /// </summary>
    /// <exception cref="ServeException">The image is empty, not an image, truncated, damaged or too many
    /// pixels.</exception>
    public async Task<float[]> PrepareAsync(EncodedImage image, CancellationToken ct)
    {
        await _slots.WaitAsync(ct);
        try { return Prepare(image); }
        finally { _slots.Release(); }
    }

    private float[] Prepare(EncodedImage image)
    {
        try
        {
            var (w, h) = HeaderReader.ReadSize(image.Bytes, image.Name);
            CheckPixels(image.Name, w, h);
            // what preprocessing would make of it, from every step's plan (a 10 x 10,000 strip becomes 256 x 256,000)
            pipeline.CheckSize(w, h, image.Name, options.MaxPixels, "the service's --max-pixels");
            var sample = ArrayPool<float>.Shared.Rent(pipeline.SampleSize);
            try
            {
                pipeline.Run(_decoder.Decode(image.Bytes, image.Name), new Random(0), sample, image.Name);
            }
            catch
            {
                ArrayPool<float>.Shared.Return(sample);
                throw;
            }
            return sample;
        }
        catch (ImageDecodeException e)
        {
            throw e.Kind switch
            {
                ImageDecodeError.Empty => ServeException.BadRequest("empty", e.Message),
                ImageDecodeError.Truncated => ServeException.BadRequest("truncated", e.Message),
                ImageDecodeError.Damaged => ServeException.BadRequest("damaged", e.Message),
                ImageDecodeError.TooManyPixels => ServeException.TooLarge("too_many_pixels", e.Message),
                _ => ServeException.Unsupported("not_an_image", e.Message),
            };
        }
    }

    private void CheckPixels(string name, int w, int h)
    {
        long pixels = (long)w * h;
        if (pixels > options.MaxPixels)
            throw ServeException.TooLarge("too_many_pixels", $"image '{name}' is {w:N0}x{h:N0} = {pixels:N0} pixels, " +
                $"over the limit of {options.MaxPixels:N0} (the service's --max-pixels); send a smaller image");
    }

    private sealed class Release(Action release) : IDisposable
    {
        private Action? _release = release;
        public void Dispose() => Interlocked.Exchange(ref _release, null)?.Invoke();
    }
}
