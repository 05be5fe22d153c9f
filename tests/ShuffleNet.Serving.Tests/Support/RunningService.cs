using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using ShuffleNet.Vision.Transforms;

namespace ShuffleNet.Serving.Tests.Support;

/// <summary>
/// The service on real Kestrel at 127.0.0.1 on a free port, with a client for it; stopped and disposed at the end.
/// </summary>
internal sealed class RunningService : IAsyncDisposable
{
    private RunningService(WebApplication app, IInferenceBackend backend)
    {
        App = app;
        Backend = backend;
        Url = app.Urls.Single();
        Client = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(60) };
    }

    public WebApplication App { get; }
    public IInferenceBackend Backend { get; }
    public string Url { get; }
    public HttpClient Client { get; }

    public static async Task<RunningService> StartAsync(IInferenceBackend backend, ServeOptions? options = null,
        bool waitReady = true)
    {
        var app = InferenceServer.Build(backend, Presets.ImageNetEval(), null, (options
            ?? new ServeOptions()) with { Port = 0 });
        await app.StartAsync();
        var service = new RunningService(app, backend);
        if (waitReady) await service.WaitAsync(async () => (await service.Client.GetAsync("/readyz"))
            .IsSuccessStatusCode);
        return service;
    }

    /// <summary>
    /// POSTs <paramref name="bytes"/> as the body with <paramref name="type"/> and <paramref name="name"/> as its file
    /// name.
    /// </summary>
    public Task<HttpResponseMessage> PostImageAsync(byte[] bytes, string type = "image/png", string? name = null,
        string query = "")
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
        if (name is not null) content.Headers.ContentDisposition =
            new ContentDispositionHeaderValue("attachment") { FileName = name };
        return Client.PostAsync("/v1/classify" + query, content);
    }

    public Task<HttpResponseMessage> PostPhotoAsync(string photo, string query = "") =>
        PostImageAsync(File.ReadAllBytes(TestData.Photo(photo)), "image/png", photo, query);

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    /// <summary>Polls <paramref name="condition"/> every 10 ms for up to 30 s.</summary>
    public async Task WaitAsync(Func<Task<bool>> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException("the condition did not come true in 30 s");
            await Task.Delay(10);
        }
    }

    public Task WaitAsync(Func<bool> condition) => WaitAsync(() => Task.FromResult(condition()));

    /// <summary>
    /// The service's internal state (queue, admissions), for tests that must wait for a request to be in a given stage.
    /// </summary>
    internal ServiceState State => (ServiceState)App.Services.GetService(typeof(ServiceState))!;

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        Backend.Dispose();
    }
}
