using System.Net;
using ShuffleNet.Serving.Tests.Support;

namespace ShuffleNet.Serving.Tests;

/// <summary>
/// Back-pressure, readiness and graceful shutdown, driven by a model that runs only when the test opens its gate.
/// </summary>
public class LifecycleTests
{
    private static byte[] Chelsea => File.ReadAllBytes(TestData.Photo("chelsea.png"));

    [Fact]
    public async Task A_full_queue_answers_503_with_retry_after_and_the_admitted_requests_are_still_answered()
    {
        var backend = new GatedBackend(open: false);
        backend.ExpectWarmUp(1);
        await using var service = await RunningService.StartAsync(backend, new ServeOptions { MaxBatch = 1,
            QueueCapacity = 3, RetryAfterSeconds = 2 });
        var admitted = Enumerable.Range(0, 3).Select(_ => service.PostImageAsync(Chelsea)).ToList();
        await service.WaitAsync(() => service.State.Admitted == 3);

        var refused = await service.PostImageAsync(Chelsea);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), refused.Headers.RetryAfter?.Delta);
        Assert.Equal("queue_full", (await RunningService.JsonAsync(refused)).GetProperty("kind").GetString());

        backend.Open();
        foreach (var r in await Task.WhenAll(admitted)) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await service.PostImageAsync(Chelsea)).StatusCode);
        var metrics = await service.Client.GetStringAsync("/metrics");
        Assert.Equal(1, PrometheusText.Value(metrics, "shufflenet_errors_total{kind=\"queue_full\"}"));
        Assert.Equal(0, PrometheusText.Value(metrics, "shufflenet_requests_in_flight"));
    }

    [Fact]
    public async Task Readiness_waits_for_the_warm_up()
    {
        var backend = new GatedBackend(open: false, gateWarmUp: true);
        await using var service = await RunningService.StartAsync(backend, waitReady: false);
        var warming = await service.Client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, warming.StatusCode);
        Assert.Equal("warming up", (await RunningService.JsonAsync(warming)).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await service.Client.GetAsync("/healthz")).StatusCode);
        backend.Open();
        await service.WaitAsync(async () => (await service.Client.GetAsync("/readyz")).IsSuccessStatusCode);
    }

    [Fact]
    public async Task Shutdown_refuses_new_connections_and_answers_every_request_already_in()
    {
        var backend = new GatedBackend(open: false);
        backend.ExpectWarmUp(2);
        var service = await RunningService.StartAsync(backend, new ServeOptions { MaxBatch = 2 });
        var inFlight = Enumerable.Range(0, 5).Select(_ => service.PostImageAsync(Chelsea)).ToList();
        // all five decoded and queued (one batch is in the model, held at the gate)
        await service.WaitAsync(() => service.State.Admitted == 5 && service.State.Intake.Pending == 0);

        var stopping = service.App.StopAsync(); // what SIGTERM does, through the host's lifetime
        await service.WaitAsync(() => service.State.Stopping.IsCancellationRequested);
        using (var newcomer = new HttpClient { BaseAddress = new Uri(service.Url) })
            await Assert.ThrowsAsync<HttpRequestException>(() => newcomer.GetAsync("/healthz"));
        Assert.False(stopping.IsCompleted);

        backend.Open();
        foreach (var r in await Task.WhenAll(inFlight))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal(10, (await RunningService.JsonAsync(r)).GetProperty("top").GetArrayLength() * 2);
        }
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(service.State.Batcher.Finished.IsCompleted);
        Assert.Equal(5, backend.Batches.Sum());
        await service.DisposeAsync();
    }
}
