using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using ShuffleNet.Serving;
using ShuffleNet.Vision.Datasets;
using ShuffleNet.Vision.Transforms;

namespace ShuffleNet.Cli.Commands;

/// <summary>
/// <c>shufflenet serve</c>: the model behind an HTTP service (<see cref="InferenceServer"/>) with dynamic batching,
/// answering as <c>predict --json</c> does. Runs until SIGTERM or Ctrl+C, then finishes the requests in hand.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var defaults = new ServeOptions();
        var checkpoint = Options.Checkpoint(required: true, onnx: true);
        var arch = Options.Arch("Expected width; the checkpoint must match it (default: inferred from the tensors).");
        var backend = Options.Backend(
            "torch (TorchSharp) or ort (ONNX Runtime; a .pth is exported on the fly). Default: ort.", Backend.Ort);
        var classes = Options.Classes();
        var threads = Options.Threads("Inference threads of the model.");
        var device = Options.Device();
        var resize = Options.Resize();
        var host = Named<string>("--host", defaults.Host,
            "Address to listen on: 127.0.0.1 (this machine) or 0.0.0.0 (all interfaces).");
        var port = Named<int>("--port", defaults.Port, "TCP port (0: any free one; the address is printed).");
        var maxBatch = Named<int>("--max-batch", defaults.MaxBatch, "Most images per model run; 1 turns batching off.");
        var maxDelay = Named<double>("--max-delay-ms", defaults.MaxDelay.TotalMilliseconds,
            "Longest a batch waits for more images while others are still being decoded.");
        var queue = Named<int>("--queue", defaults.QueueCapacity,
            "Most requests in hand at once; beyond it 503 with Retry-After.");
        var maxBytes = Named<long>("--max-request-bytes", defaults.MaxRequestBytes,
            "Largest request body; beyond it 413.");
        var maxPixels = Named<long>("--max-pixels", defaults.MaxPixels,
            "Most pixels of an image and of what preprocessing makes of it; beyond it 413.");
        var maxImages = Named<int>("--max-images", defaults.MaxImagesPerRequest,
            "Most images in one multipart request.");
        var decodeThreads = Named<int>("--decode-threads", defaults.DecodeThreads,
            "Images decoded and preprocessed at once.");
        var command = new Command("serve",
            "Serve a model over HTTP: POST /v1/classify, /healthz, /readyz, /metrics, /openapi/v1.json and a page at " +
                "/.")
        {
            checkpoint, arch, backend, classes, threads, device, resize,
            host, port, maxBatch, maxDelay, queue, maxBytes, maxPixels, maxImages, decodeThreads,
        };
        command.SetAction(r => Common.Run(() =>
        {
            var options = new ServeOptions
            {
                Host = r.GetValue(host)!, Port = r.GetValue(port), MaxBatch = r.GetValue(maxBatch),
                MaxDelay = TimeSpan.FromMilliseconds(r.GetValue(maxDelay)), QueueCapacity = r.GetValue(queue),
                MaxRequestBytes = r.GetValue(maxBytes), MaxPixels = r.GetValue(maxPixels),
                MaxImagesPerRequest = r.GetValue(maxImages), DecodeThreads = r.GetValue(decodeThreads),
            };
            options.Validate(); // before the model loads: a typo costs no wait
            var path = Common.ResolveCheckpoint(r.GetValue(checkpoint)!);
            using var model = Backends.Open(path, r.GetValue(backend), r.GetValue(arch), r.GetValue(threads),
                r.GetValue(device)!);
            var pipeline = Common.EvalPipeline(path, model.InChannels, r.GetValue(resize));
            var names = r.GetValue(classes) is { } file ? ClassNames.Load(file) : null;
            var app = InferenceServer.Build(model.Backend, pipeline, names, options);
            app.Lifetime.ApplicationStarted.Register(() =>
                Console.WriteLine($"serving {Path.GetFileName(path)} on {string.Join(", ", app.Urls)} (POST " +
                    "/v1/classify, page at /)"));
            app.Lifetime.ApplicationStopping.Register(() => Console.WriteLine("stopping: finishing the requests in " +
                "hand"));
            app.Run();
            return 0;
        }));
        return command;
    }

    // the serving options are this verb's alone; their defaults come from ServeOptions, so help shows the library's
    private static Option<T> Named<T>(string name, T defaultValue, string description) =>
        new(name) { Description = description, DefaultValueFactory = _ => defaultValue };
}
