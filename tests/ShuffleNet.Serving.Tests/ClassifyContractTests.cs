using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ShuffleNet.Serving.Tests.Support;

namespace ShuffleNet.Serving.Tests;

/// <summary>
/// The classify endpoint on the reference checkpoint against PyTorch's top-5 (<c>expected_1.0.json</c>).
/// </summary>
public class ClassifyContractTests
{
    private static readonly JsonElement Expected =
        JsonDocument.Parse(File.ReadAllText(TestData.Reference("expected_1.0.json"))).RootElement.GetProperty("images");

    private static void AssertMatchesPytorch(string photo, JsonElement answer)
    {
        Assert.Equal(photo, answer.GetProperty("image").GetString());
        var expected = Expected.GetProperty(photo).GetProperty("top5").EnumerateArray().ToList();
        var top = answer.GetProperty("top").EnumerateArray().ToList();
        Assert.Equal(5, top.Count);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(expected[i].GetProperty("index").GetInt32(), top[i].GetProperty("index").GetInt32());
            Assert.Equal(expected[i].GetProperty("label").GetString(), top[i].GetProperty("label").GetString());
            Assert.Equal(expected[i].GetProperty("score").GetDouble(), top[i].GetProperty("score").GetDouble(), 1e-3);
        }
    }

    [Fact]
    public async Task Each_reference_photo_gets_pytorchs_top5_in_predict_json_shape()
    {
        await using var service = await RunningService.StartAsync(OrtBackend.OpenReference());
        foreach (var photo in TestData.Photos)
        {
            var response = await service.PostPhotoAsync(photo);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            var answer = await RunningService.JsonAsync(response);
            Assert.Equal(["image", "top"], answer.EnumerateObject().Select(p => p.Name));
            Assert.Equal(["index", "label", "score"], answer.GetProperty("top")[0].EnumerateObject()
                .Select(p => p.Name));
            AssertMatchesPytorch(photo, answer);
        }
    }

    [Fact]
    public async Task Multipart_answers_every_part_in_order_and_topk_sets_the_length()
    {
        await using var service = await RunningService.StartAsync(OrtBackend.OpenReference());
        using var form = new MultipartFormDataContent();
        foreach (var photo in new[] { "coffee.png", "astronaut.png", "chelsea.png" })
        {
            var part = new ByteArrayContent(File.ReadAllBytes(TestData.Photo(photo)));
            part.Headers.ContentType = MediaTypeHeaderValue.Parse("image/png");
            form.Add(part, "image", photo);
        }
        var response = await service.Client.PostAsync("/v1/classify?topk=7", form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answers = (await RunningService.JsonAsync(response)).EnumerateArray().ToList();
        Assert.Equal(["coffee.png", "astronaut.png", "chelsea.png"], answers.Select(a => a.GetProperty("image")
            .GetString()));
        foreach (var a in answers)
        {
            Assert.Equal(7, a.GetProperty("top").GetArrayLength());
            var name = a.GetProperty("image").GetString()!;
            var five = JsonDocument.Parse(JsonSerializer.Serialize(new { image = name, top = a.GetProperty("top")
                .EnumerateArray().Take(5) })).RootElement;
            AssertMatchesPytorch(name, five);
        }
    }

    [Fact]
    public async Task Answers_from_a_batch_equal_answers_one_at_a_time()
    {
        var options = new ServeOptions { MaxBatch = 8, MaxDelay = TimeSpan.FromMilliseconds(500) };
        var backend = OrtBackend.OpenReference();
        await using var service = await RunningService.StartAsync(backend, options);
        var alone = new Dictionary<string, string>();
        foreach (var photo in TestData.Photos)
            alone[photo] = await (await service.PostPhotoAsync(photo)).Content.ReadAsStringAsync();

        var photos = Enumerable.Range(0, 12).Select(i => TestData.Photos[i % 3]).ToList();
        var together = await Task.WhenAll(photos.Select(p => service.PostPhotoAsync(p)));
        for (int i = 0; i < photos.Count; i++)
        {
            var a = await RunningService.JsonAsync(together[i]);
            var b = JsonDocument.Parse(alone[photos[i]]).RootElement;
            Assert.Equal(b.GetProperty("top").EnumerateArray().Select(t => t.GetProperty("index").GetInt32()),
                a.GetProperty("top").EnumerateArray().Select(t => t.GetProperty("index").GetInt32()));
            foreach (var (x, y) in a.GetProperty("top").EnumerateArray().Zip(b.GetProperty("top").EnumerateArray()))
                Assert.Equal(y.GetProperty("score").GetDouble(), x.GetProperty("score").GetDouble(), 1e-5);
        }
        var metrics = await service.Client.GetStringAsync("/metrics");
        // the 12 concurrent requests ran in fewer than 12 model calls: some batches held more than one image
        var batches = PrometheusText.Value(metrics, "shufflenet_batch_size_count");
        Assert.InRange(batches, 4, 11);
        Assert.Equal(15, PrometheusText.Value(metrics, "shufflenet_images_total"));
    }

    [Fact]
    public async Task Model_health_readiness_and_openapi_describe_the_service()
    {
        await using var service = await RunningService.StartAsync(OrtBackend.OpenReference());
        var model = await RunningService.JsonAsync(await service.Client.GetAsync("/v1/model"));
        Assert.Equal(1000, model.GetProperty("num_classes").GetInt32());
        Assert.Equal([3, 224, 224], model.GetProperty("input_shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal("ok", (await RunningService.JsonAsync(await service.Client.GetAsync("/healthz")))
            .GetProperty("status").GetString());
        Assert.Equal("ready", (await RunningService.JsonAsync(await service.Client.GetAsync("/readyz")))
            .GetProperty("status").GetString());

        var openapi = await RunningService.JsonAsync(await service.Client.GetAsync("/openapi/v1.json"));
        var paths = openapi.GetProperty("paths");
        foreach (var path in new[] { "/v1/classify", "/v1/model", "/healthz", "/readyz", "/metrics" })
            Assert.True(paths.TryGetProperty(path, out _), $"OpenAPI document lacks {path}");
        var classify = paths.GetProperty("/v1/classify").GetProperty("post");
        Assert.True(classify.GetProperty("responses").TryGetProperty("503", out _));
        Assert.True(classify.GetProperty("requestBody").GetProperty("content").TryGetProperty("image/png", out _));

        var page = await service.Client.GetStringAsync("/");
        Assert.Contains("<input id=\"file\" type=\"file\"", page);
    }
}
