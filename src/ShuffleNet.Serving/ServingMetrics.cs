using Prometheus;

namespace ShuffleNet.Serving;

/// <summary>
/// The service's Prometheus metrics, on a registry of its own (several services in one process stay apart):
/// requests by status, errors by kind, request latency, batch sizes, queue depth and images in flight.
/// </summary>
internal sealed class ServingMetrics
{
    public ServingMetrics(int maxBatch)
    {
        var f = Metrics.WithCustomRegistry(Registry);
        Requests = f.CreateCounter("shufflenet_requests_total", "Classification requests answered, by HTTP status.",
            ["status"]);
        Errors = f.CreateCounter("shufflenet_errors_total", "Classification requests refused or failed, by kind.",
            ["kind"]);
        Images = f.CreateCounter("shufflenet_images_total", "Images classified.");
        Latency = f.CreateHistogram("shufflenet_request_duration_seconds",
            "Time from a classification request's arrival to its answer.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.001, 2, 15) });
        var sizes = new List<double>();
        for (int n = 1; n < maxBatch; n *= 2) sizes.Add(n);
        sizes.Add(maxBatch);
        BatchSize = f.CreateHistogram("shufflenet_batch_size",
            "Images per model run (before its split into power-of-two pieces).",
            new HistogramConfiguration { Buckets = [.. sizes] });
        QueueDepth = f.CreateGauge("shufflenet_queue_depth", "Images preprocessed and waiting for the model.");
        InFlight = f.CreateGauge("shufflenet_requests_in_flight", "Requests admitted and not yet answered.");
    }

    public CollectorRegistry Registry { get; } = Metrics.NewCustomRegistry();

    public Counter Requests { get; }

    public Counter Errors { get; }

    public Counter Images { get; }

    public Histogram Latency { get; }

    public Histogram BatchSize { get; }

    public Gauge QueueDepth { get; }

    public Gauge InFlight { get; }
}
