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
        var backend = Options.Backend("torch (TorchSharp) or ort (ONNX Runtime; a .pth is exported on the fly). Default: ort.", Backend.Ort);
        var classes = Options.Classes();
        var threads = Options.Threads("Inference threads of the model.");
        var device = Options.Device();
        var host = new Option<string>("--host") { Description = "Address to listen on: 127.0.0.1 (this machine) or 0.0.0.0 (all interfaces).", DefaultValueFactory = _ => defaults.Host };
        var port = new Option<int>("--port") { Description = "TCP port (0: any free one; the address is printed).", DefaultValueFactory = _ => defaults.Port };
        var maxBatch = new Option<int>("--max-batch") { Description = "Most images per model run; 1 turns batching off.", DefaultValueFactory = _ => defaults.MaxBatch };
        var maxDelay = new Option<double>("--max-delay-ms") { Description = "Longest a batch waits for more images while others are still being decoded.", DefaultValueFactory = _ => defaults.MaxDelay.TotalMilliseconds };
        var queue = new Option<int>("--queue") { Description = "Most requests in hand at once; beyond it 503 with Retry-After.", DefaultValueFactory = _ => defaults.QueueCapacity };
        var maxBytes = new Option<long>("--max-request-bytes") { Description = "Largest request body; beyond it 413.", DefaultValueFactory = _ => defaults.MaxRequestBytes };
        var maxPixels = new Option<long>("--max-pixels") { Description = "Most pixels of an image and of what preprocessing makes of it; beyond it 413.", DefaultValueFactory = _ => defaults.MaxPixels };
        var maxImages = new Option<int>("--max-images") { Description = "Most images in one multipart request.", DefaultValueFactory = _ => defaults.MaxImagesPerRequest };
        var decodeThreads = new Option<int>("--decode-threads") { Description = "Images decoded and preprocessed at once.", DefaultValueFactory = _ => defaults.DecodeThreads };
        var command = new Command("serve", "Serve a model over HTTP: POST /v1/classify, /healthz, /readyz, /metrics, /openapi/v1.json and a page at /.")
        {
            checkpoint, arch, backend, classes, threads, device, host, port, maxBatch, maxDelay, queue, maxBytes, maxPixels, maxImages, decodeThreads,
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
            using var model = Backends.Open(path, r.GetValue(backend), r.GetValue(arch), r.GetValue(threads), r.GetValue(device)!);
            var pipeline = model.InChannels == 1 ? Presets.FashionMnistPredict() : Presets.ImageNetEval(256, 224);
            var names = r.GetValue(classes) is { } file ? ClassNames.Load(file) : null;
            var app = InferenceServer.Build(model.Backend, pipeline, names, options);
            app.Lifetime.ApplicationStarted.Register(() =>
                Console.WriteLine($"serving {Path.GetFileName(path)} on {string.Join(", ", app.Urls)} (POST /v1/classify, page at /)"));
            app.Lifetime.ApplicationStopping.Register(() => Console.WriteLine("stopping: finishing the requests in hand"));
            app.Run();
            return 0;
        }));
        return command;
    }
}
