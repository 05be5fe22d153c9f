using System.Net;
using System.Net.Http.Headers;
using ShuffleNet.Serving.Tests.Support;
using SkiaSharp;

namespace ShuffleNet.Serving.Tests;

/// <summary>
/// Every bad request gets a 4xx problem+json naming the input and the problem, and the service goes on.
/// </summary>
public class BadInputTests
{
    private static byte[] Chelsea => File.ReadAllBytes(TestData.Photo("chelsea.png"));

    private static byte[] Png(int width, int height)
    {
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(SKColors.Orange);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static async Task<string> AssertProblem(HttpResponseMessage response, HttpStatusCode status, string kind,
        params string[] mentions)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {status}, got {response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await RunningService.JsonAsync(response);
        Assert.Equal(kind, problem.GetProperty("kind").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        var detail = problem.GetProperty("detail").GetString()!;
        foreach (var m in mentions) Assert.Contains(m, detail);
        return detail;
    }

    [Fact]
    public async Task Each_kind_of_bad_image_is_named_in_a_4xx_and_a_good_image_still_works_after()
    {
        var options = new ServeOptions { MaxRequestBytes = 300_000, MaxPixels = 2_000_000 };
        await using var service = await RunningService.StartAsync(new GatedBackend(), options);

        await AssertProblem(await service.PostImageAsync("hello, I am text"u8.ToArray(), "image/png", "note.png"),
            HttpStatusCode.UnsupportedMediaType, "not_an_image", "note.png", "not a recognized image");
        await AssertProblem(await service.PostImageAsync([], "image/jpeg", "nothing.jpg"), HttpStatusCode.BadRequest,
            "empty", "nothing.jpg");
        await AssertProblem(await service.PostImageAsync(Chelsea[..(Chelsea.Length / 2)], "image/png", "half.png"),
            HttpStatusCode.BadRequest, "truncated", "half.png", "ends early");
        await AssertProblem(await service.PostImageAsync(Chelsea, "text/plain", "cat.txt"),
            HttpStatusCode.UnsupportedMediaType,
            "unsupported_type", "text/plain", "Content-Type image/jpeg");
        await AssertProblem(await service.PostImageAsync(Png(2000, 1001), "image/png", "big.png"),
            HttpStatusCode.RequestEntityTooLarge,
            "too_many_pixels", "big.png", "2,000x1,001 = 2,002,000 pixels", "--max-pixels");
        // a thin strip is few pixels, but the short-side-256 resize would make it 256 x 3,276,800
        await AssertProblem(await service.PostImageAsync(Png(20_000, 2), "image/png", "strip.png"),
            HttpStatusCode.RequestEntityTooLarge,
            "too_many_pixels", "strip.png", "ResizeEdge", "2,560,000x256", "--max-pixels");
        var tooLong = new byte[400_000];
        Chelsea.CopyTo(tooLong, 0);
        await AssertProblem(await service.PostImageAsync(tooLong, "image/png", "long.png"),
            HttpStatusCode.RequestEntityTooLarge,
            "too_large", "400,000 bytes", "300,000");
        // without a Content-Length (chunked), the limit applies while reading
        var chunked = new StreamContent(new MemoryStream(tooLong));
        chunked.Headers.ContentType = MediaTypeHeaderValue.Parse("application/octet-stream");
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/classify") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        await AssertProblem(await service.Client.SendAsync(request), HttpStatusCode.RequestEntityTooLarge, "too_large",
            "300,000");
        foreach (var topk in new[] { "0", "11", "five" })
            await AssertProblem(await service.PostImageAsync(Chelsea, query: "?topk=" + topk),
                HttpStatusCode.BadRequest, "bad_topk", topk, "1 to 10");

        var good = await service.PostImageAsync(Chelsea, "image/png", "chelsea.png", "?topk=3");
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Equal(3, (await RunningService.JsonAsync(good)).GetProperty("top").GetArrayLength());

        var metrics = await service.Client.GetStringAsync("/metrics");
        Assert.Equal(1, PrometheusText.Value(metrics, "shufflenet_errors_total{kind=\"not_an_image\"}"));
        Assert.Equal(2, PrometheusText.Value(metrics, "shufflenet_errors_total{kind=\"too_many_pixels\"}"));
        Assert.Equal(2, PrometheusText.Value(metrics, "shufflenet_errors_total{kind=\"too_large\"}"));
        Assert.Equal(3, PrometheusText.Value(metrics, "shufflenet_errors_total{kind=\"bad_topk\"}"));
        Assert.Equal(5, PrometheusText.Value(metrics, "shufflenet_requests_total{status=\"400\"}"));
        Assert.Equal(4, PrometheusText.Value(metrics, "shufflenet_requests_total{status=\"413\"}"));
        Assert.Equal(2, PrometheusText.Value(metrics, "shufflenet_requests_total{status=\"415\"}"));
        Assert.Equal(1, PrometheusText.Value(metrics, "shufflenet_requests_total{status=\"200\"}"));
        Assert.Equal(0, PrometheusText.Value(metrics, "shufflenet_requests_total{status=\"500\"}"));
    }

    [Fact]
    public async Task Multipart_names_the_bad_part_and_limits_the_image_count()
    {
        await using var service = await RunningService.StartAsync(new GatedBackend(),
            new ServeOptions { MaxImagesPerRequest = 2 });
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(Chelsea), "image", "good.png" },
            { new ByteArrayContent(Chelsea[..2000]), "image", "bad.png" },
        };
        await AssertProblem(await service.Client.PostAsync("/v1/classify", form), HttpStatusCode.BadRequest,
            "truncated", "bad.png");

        using var three = new MultipartFormDataContent();
        for (int i = 0; i < 3; i++) three.Add(new ByteArrayContent(Chelsea), "image", $"{i}.png");
        await AssertProblem(await service.Client.PostAsync("/v1/classify", three), HttpStatusCode.RequestEntityTooLarge,
            "too_many_images", "more than 2");

        using var none = new MultipartFormDataContent { { new StringContent("just a field"), "note" } };
        await AssertProblem(await service.Client.PostAsync("/v1/classify", none), HttpStatusCode.BadRequest,
            "no_image");
    }

    [Fact]
    public async Task A_model_failure_is_a_500_for_its_batch_and_the_next_request_succeeds()
    {
        var backend = new GatedBackend();
        backend.ExpectWarmUp(32);
        await using var service = await RunningService.StartAsync(backend);
        backend.Fail = true;
        await AssertProblem(await service.PostImageAsync(Chelsea), HttpStatusCode.InternalServerError, "model_error",
            "fails on purpose");
        backend.Fail = false;
        Assert.Equal(HttpStatusCode.OK, (await service.PostImageAsync(Chelsea)).StatusCode);
    }
}
