using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.OpenApi;
using ShuffleNet.Vision.Transforms;

namespace ShuffleNet.Serving;

/// <summary>
/// Builds the inference service: Kestrel with minimal APIs on one model. <c>POST /v1/classify</c>, <c>GET
/// /v1/model</c>, <c>/healthz</c>, <c>/readyz</c>, <c>/metrics</c>, <c>/openapi/v1.json</c> and a web page at <c>/</c>.
/// On shutdown (SIGTERM, or <see cref="IHostApplicationLifetime.StopApplication"/>) it stops accepting connections,
/// answers every request already admitted (within <see cref="ServeOptions.DrainTimeout"/>), then stops the batcher.
/// </summary>
public static class InferenceServer
{
    /// <summary>
    /// JSON as <c>shufflenet predict --json</c> writes it: snake_case names, nulls left out, one line.
    /// </summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>
    /// A service for <paramref name="backend"/> (not disposed by the service) whose inputs <paramref name="pipeline"/>
    /// makes; class names from <paramref name="classes"/>, else the model's, else ImageNet-1k's for 1000 classes. Start
    /// it with <c>StartAsync</c> or <c>RunAsync</c>; its bound addresses are then in <c>Urls</c>.
    /// </summary>
    /// <exception cref="ArgumentException">Options out of range, or pipeline, class names and model do not
    /// match.</exception>
    public static WebApplication Build(IInferenceBackend backend, Pipeline pipeline, IReadOnlyList<string>? classes,
        ServeOptions options)
    {
        options.Validate();
        if (pipeline.SampleSize != backend.ImageSize)
            throw new ArgumentException(
                $"the preprocessing makes {pipeline.SampleSize} floats per image ({pipeline}); the model takes " +
                    $"{backend.ImageSize}");
        var names = classes ?? backend.Classes ?? (backend.NumClasses == 1000
            ? Vision.Datasets.ClassNames.ImageNet1k : null);
        if (names is not null && names.Count != backend.NumClasses)
            throw new ArgumentException($"{names.Count} class names for a model of {backend.NumClasses} classes; " +
                "give one name per class");

        var builder =
            WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(ParseHost(options.Host), options.Port);
            // the service enforces MaxRequestBytes itself and answers 413; Kestrel's cap sits above it so that the rest
            // of a refused body can be drained and the answer reaches the client (at the cap Kestrel aborts the
            // connection)
            k.Limits.MaxRequestBodySize = 2 * options.MaxRequestBytes + (1 << 20);
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.DrainTimeout);
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.Services.AddOpenApi(o => o.AddOperationTransformer((operation, context, _) =>
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<Endpoints.ImageBody>().Any())
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = Endpoints.ImageBody.ContentTypes.ToDictionary(t => t, _ => new OpenApiMediaType
                    {
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" },
                    }),
                };
            return Task.CompletedTask;
        }));

        var metrics = new ServingMetrics(options.MaxBatch);
        var intake = new ImageIntake(options, pipeline);
        var batcher = new DynamicBatcher(backend, options, () => intake.Pending, metrics);
        var state = new ServiceState(backend, pipeline, names, options, metrics, intake, batcher);
        builder.Services.AddSingleton(state);
        // registered before the server, so stopped after it: the server drains its requests while the batcher still
        // runs
        builder.Services.AddHostedService<BatcherLifetime>();

        var app = builder.Build();
        state.Stopping = app.Lifetime.ApplicationStopping;
        Endpoints.Map(app, state);
        return app;
    }

    private static IPAddress ParseHost(string host) => host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(host);

    private sealed class BatcherLifetime(ServiceState state) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            state.Batcher.Start();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            state.Batcher.Complete();
            return state.Batcher.Finished.WaitAsync(cancellationToken);
        }
    }
}

/// <summary>
/// What the endpoints share: the model, its preprocessing and names, the limits, metrics, intake and batcher.
/// </summary>
internal sealed record ServiceState(IInferenceBackend Backend, Pipeline Pipeline, IReadOnlyList<string>? Names,
    ServeOptions Options,
    ServingMetrics Metrics, ImageIntake Intake, DynamicBatcher Batcher)
{
    private int _admitted;

    /// <summary>Cancelled when shutdown begins.</summary>
    public CancellationToken Stopping { get; set; }

    /// <summary>
    /// Admits a request if fewer than <see cref="ServeOptions.QueueCapacity"/> are in; dispose to leave.
    /// </summary>
    public IDisposable? TryAdmit()
    {
        if (Interlocked.Increment(ref _admitted) > Options.QueueCapacity)
        {
            Interlocked.Decrement(ref _admitted);
            return null;
        }
        Metrics.InFlight.Inc();
        return new Admission(this);
    }

    /// <summary>Requests admitted and not yet answered.</summary>
    public int Admitted => Volatile.Read(ref _admitted);

    private sealed class Admission(ServiceState state) : IDisposable
    {
        private int _left;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) != 0) return;
            Interlocked.Decrement(ref state._admitted);
            state.Metrics.InFlight.Dec();
        }
    }
}
