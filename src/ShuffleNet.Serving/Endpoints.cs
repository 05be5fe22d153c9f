using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Prometheus;

namespace ShuffleNet.Serving;

/// <summary>Liveness, readiness or shutdown state.</summary>
public sealed record ServiceStatus(string Status, string? Detail = null);

/// <summary>What the service runs: classes, the input one image becomes, its preprocessing, the batch limit.</summary>
public sealed record ModelInfo(int NumClasses, int[] InputShape, string Preprocessing, int MaxBatch);

/// <summary>The routes of the service.</summary>
internal static class Endpoints
{
    private static readonly Lazy<string> Page = new(() =>
    {
        using var stream = typeof(Endpoints).Assembly.GetManifestResourceStream("index.html")!;
        return new StreamReader(stream).ReadToEnd();
    });

    public static void Map(WebApplication app, ServiceState s)
    {
        app.MapOpenApi();
        app.MapGet("/", () => Results.Content(Page.Value, "text/html; charset=utf-8")).ExcludeFromDescription();
        app.MapGet("/healthz", () => Results.Json(new ServiceStatus("ok"), InferenceServer.JsonOptions))
            .WithSummary("Liveness: the process answers.").Produces<ServiceStatus>();
        app.MapGet("/readyz", () => Ready(s))
            .WithSummary("Readiness: 200 once the model is loaded and warmed up; 503 while warming up and once " +
                "shutdown has begun.")
            .Produces<ServiceStatus>().Produces<ServiceStatus>(503);
        // (HttpContext, CancellationToken) rather than a bare RequestDelegate, so the route carries OpenAPI metadata
        app.MapGet("/metrics", async (HttpContext ctx, CancellationToken ct) =>
        {
            s.Metrics.QueueDepth.Set(s.Batcher.Waiting);
            ctx.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await s.Metrics.Registry.CollectAndExportAsTextAsync(ctx.Response.Body, ct);
        }).WithSummary("Prometheus text format: requests by status, errors by kind, latency and batch-size " +
            "histograms, queue depth.")
            .Produces<string>(200, "text/plain");
        var info = new ModelInfo(s.Backend.NumClasses, [s.Pipeline.Channels, s.Pipeline.Height, s.Pipeline.Width],
            s.Pipeline.ToString(), s.Options.MaxBatch);
        app.MapGet("/v1/model", () => Results.Json(info, InferenceServer.JsonOptions))
            .WithSummary("The model served and its preprocessing.").Produces<ModelInfo>();
        app.MapPost("/v1/classify", (HttpContext ctx, string? topk) => Classify(ctx, topk, s))
            .WithSummary("Top-k classes of one image (the request body) or of several (multipart/form-data, one part " +
                "per image).")
            .WithDescription("The body is a JPEG, PNG, BMP, WebP or GIF (Content-Type image/* or " +
                "application/octet-stream); its " +
                "name in the answer comes from Content-Disposition's filename, else 'image'. A single image is " +
                    "answered with one " +
                "object {image, top: [{index, label, score}]}, as one line of `shufflenet predict --json`; multipart " +
                    "with an array " +
                "of them in the parts' order. topk: 1 to the number of classes (default 5). Errors are problem+json " +
                    "with a 'kind': " +
                "unsupported_type, not_an_image, empty, truncated, damaged (400/415), too_large, too_many_pixels, " +
                    "too_many_images " +
                "(413), queue_full (503, with Retry-After), shutting_down (503).")
            .WithMetadata(new ImageBody())
            .Produces<ImageResult>().Produces<ImageResult[]>(200, "application/json")
            .ProducesProblem(400).ProducesProblem(413).ProducesProblem(415).ProducesProblem(503).ProducesProblem(500);
    }

    /// <summary>
    /// The request body's description for the OpenAPI document. Not <c>Accepts</c> metadata: routing would then answer
    /// other content types itself with an empty 415, where the service answers with a problem naming the type.
    /// </summary>
    internal sealed class ImageBody
    {
        public static readonly string[] ContentTypes =
            ["image/jpeg", "image/png", "image/bmp", "image/webp", "image/gif", "application/octet-stream",
                "multipart/form-data"];
    }

    private static IResult Ready(ServiceState s)
    {
        if (s.Stopping.IsCancellationRequested)
            return Results.Json(new ServiceStatus("shutting down"), InferenceServer.JsonOptions, statusCode: 503);
        if (!s.Batcher.IsReady)
            return Results.Json(new ServiceStatus("warming up", s.Batcher.WarmUpError), InferenceServer.JsonOptions,
                statusCode: 503);
        return Results.Json(new ServiceStatus("ready"), InferenceServer.JsonOptions);
    }

    private static async Task<IResult> Classify(HttpContext ctx, string? topk, ServiceState s)
    {
        long start = Stopwatch.GetTimestamp();
        IResult result;
        string? kind = null;
        try
        {
            result = await ClassifyCore(ctx, topk, s);
        }
        catch (ServeException e)
        {
            kind = e.Kind;
            if (e.Status == 503) ctx.Response.Headers.RetryAfter = s.Options.RetryAfterSeconds.ToString();
            result = Problem(e.Status, e.Kind, e.Message);
        }
        catch (BadHttpRequestException e)
        {
            kind = e.StatusCode == 413 ? "too_large" : "bad_request";
            result = Problem(e.StatusCode, kind, e.Message);
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            kind = "client_closed";
            result = Results.StatusCode(499); // nobody reads it; nginx's code for a client that went away
        }
        catch (Exception e)
        {
            kind = "model_error";
            result = Problem(500, kind, $"the model failed on this request: {e.Message}");
        }
        int status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : 200;
        s.Metrics.Requests.WithLabels(status.ToString()).Inc();
        if (kind is not null) s.Metrics.Errors.WithLabels(kind).Inc();
        s.Metrics.Latency.Observe(Stopwatch.GetElapsedTime(start).TotalSeconds);
        return result;
    }

    private static async Task<IResult> ClassifyCore(HttpContext ctx, string? topk, ServiceState s)
    {
        int k = ParseTopK(topk, s.Backend.NumClasses);
        using var admission = s.TryAdmit() ?? throw new ServeException(503, "queue_full",
            $"the service has {s.Options.QueueCapacity} requests in hand (its --queue); retry after " +
                $"{s.Options.RetryAfterSeconds} s");
        var ct = ctx.RequestAborted;
        List<EncodedImage> images;
        bool multipart;
        Task<float[]>[] answers;
        using (s.Intake.Arriving())
        {
            (images, multipart) = await s.Intake.ReadAsync(ctx.Request, ct);
            answers = await Task.WhenAll(images.Select(async image =>
                s.Batcher.Enqueue(await s.Intake.PrepareAsync(image, ct), ct)));
        }
        var logits = await Task.WhenAll(answers);
        s.Metrics.Images.Inc(images.Count);
        var results = images.Select((image, i) => new ImageResult(image.Name, TopK.Of(logits[i], k, s.Names))).ToList();
        return multipart ? Results.Json(results, InferenceServer.JsonOptions) : Results.Json(results[0],
            InferenceServer.JsonOptions);
    }

    private static int ParseTopK(string? text, int classes)
    {
        if (text is null) return Math.Min(5, classes);
        if (!int.TryParse(text, out int k) || k < 1 || k > classes)
            throw ServeException.BadRequest("bad_topk", $"topk '{text}' must be an integer from 1 to {classes} (the " +
                "model's classes)");
        return k;
    }

    private static ProblemHttpResult Problem(int status, string kind, string message) =>
        TypedResults.Problem(message, statusCode: status, title: kind.Replace('_', ' '),
            extensions: new Dictionary<string, object?> { ["kind"] = kind });
}
