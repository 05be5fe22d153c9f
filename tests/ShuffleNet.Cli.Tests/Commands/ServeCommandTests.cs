using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ShuffleNet.Cli.Tests.Commands;

/// <summary><c>shufflenet serve</c> as a separate process on 127.0.0.1, a free port, stopped by SIGTERM.</summary>
public partial class ServeCommandTests
{
    private static readonly string Images = Path.GetFullPath(CliRunner.Reference("images"));

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    private const int SigTerm = 15;

    /// <summary>A running <c>shufflenet serve</c>; killed at dispose if still running.</summary>
    private sealed class Server : IDisposable
    {
        public Process Process { get; }
        public Uri Url { get; }
        public List<string> Lines { get; } = [];

        public Server(params string[] args)
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ShuffleNet.Cli.dll"));
            string[] model = args.Contains("--checkpoint") ? []
                : ["--checkpoint", CliRunner.Reference("mmcls_1.0.pth")];
            foreach (var a in (string[])["serve", .. model, "--port", "0", .. args])
                psi.ArgumentList.Add(a);
            psi.Environment["NO_COLOR"] = "1";
            Process = Process.Start(psi)!;
            Process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (Lines) Lines.Add("stderr: "
                + e.Data); };
            Process.BeginErrorReadLine();
            var read = Task.Run(() =>
            {
                while (Process.StandardOutput.ReadLine() is { } line)
                {
                    lock (Lines) Lines.Add(line);
                    if (line.StartsWith("serving ", StringComparison.Ordinal)) return line;
                }
                return null;
            });
            if (!read.Wait(TimeSpan.FromMinutes(2)) || read.Result is null)
            {
                Dispose();
                throw new InvalidOperationException("serve did not start: " + string.Join('\n', Lines));
            }
            Url = new Uri(read.Result.Split(" on ")[1].Split(' ')[0]);
            _ = Task.Run(() => { while (Process.StandardOutput.ReadLine() is { } line) lock (Lines) Lines.Add(line); });
        }

        public void Dispose()
        {
            if (!Process.HasExited) Process.Kill(entireProcessTree: true);
            Process.Dispose();
        }
    }

    /// <summary>
    /// A body sent in two halves: the second only once <c>gate</c> completes (chunked, flushed between).
    /// </summary>
    private sealed class GatedContent : HttpContent
    {
        private readonly byte[] _bytes;

        private readonly Task _gate;

        public GatedContent(byte[] bytes, MediaTypeHeaderValue type, Task gate)
        {
            (_bytes, _gate) = (bytes, gate);
            Headers.ContentType = type;
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            int half = _bytes.Length / 2;
            await stream.WriteAsync(_bytes.AsMemory(0, half));
            await stream.FlushAsync();
            await _gate;
            await stream.WriteAsync(_bytes.AsMemory(half));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    private static ByteArrayContent Png(string photo)
    {
        var content = new ByteArrayContent(File.ReadAllBytes(Path.Combine(Images, photo)));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("image/png");
        content.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = photo };
        return content;
    }

    [Theory]
    [InlineData("ort")]
    [InlineData("torch")]
    public async Task Answers_are_byte_identical_to_predict_json(string backend)
    {
        // one image per call, as the server runs a lone request, and the same threads on both sides: libtorch's
        // float32 rounding depends on the batch and on the thread count (predict's torch default is half the cores)
        var predicted = CliRunner.Run("predict", "--checkpoint", CliRunner.Reference("mmcls_1.0.pth"), "--backend",
            backend, "--batch", "1", "--threads", "1", "--json", Images);
        Assert.Equal(0, predicted.ExitCode);
        using var server = new Server("--backend", backend, "--threads", "1");
        await AssertServedAsPredicted(server, predicted.Stdout);
    }

    [Fact]
    public async Task A_checkpoint_is_served_with_its_publishers_preprocessing_as_predict_runs_it()
    {
        // torchvision's x1.5 weights declare resize 232 (the reference 1.0x weights under that published name stand in
        // for them): serve must preprocess as predict does, not with the ImageNet default of 256
        using var dir = new CliRunner.TempDir();
        var named = dir.File("shufflenetv2_x1_5-3c479a10.pth");
        File.Copy(CliRunner.Reference("mmcls_1.0.pth"), named);
        string[] oneByOne = ["--backend", "ort", "--batch", "1", "--threads", "1", "--json", Images];
        var predicted = CliRunner.Run(["predict", "--checkpoint", named, .. oneByOne]);
        var plain = CliRunner.Run(["predict", "--checkpoint", CliRunner.Reference("mmcls_1.0.pth"), .. oneByOne]);
        Assert.Equal(0, predicted.ExitCode);
        Assert.NotEqual(plain.Stdout, predicted.Stdout.Replace(named, CliRunner.Reference("mmcls_1.0.pth")));
        using var server = new Server("--checkpoint", named, "--backend", "ort", "--threads", "1");
        await AssertServedAsPredicted(server, predicted.Stdout);
    }

    // each photo of predict's JSON lines posted alone: the answer must be the line itself (the image named by file)
    private static async Task AssertServedAsPredicted(Server server, string predictedJsonLines)
    {
        using var client = new HttpClient { BaseAddress = server.Url };
        foreach (var line in predictedJsonLines.Trim().Split('\n'))
        {
            var expected = JsonNode.Parse(line)!;
            var photo = Path.GetFileName(expected["image"]!.GetValue<string>());
            expected["image"] = photo;
            var response = await client.PostAsync("/v1/classify", Png(photo));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(expected.ToJsonString(), await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Sigterm_stops_accepting_and_answers_every_request_in_flight_then_exits_0()
    {
        using var server = new Server("--max-batch", "4", "--threads", "1");
        using var client = new HttpClient { BaseAddress = server.Url, Timeout = TimeSpan.FromMinutes(2) };
        var photos = Directory.GetFiles(Images).Select(Path.GetFileName).ToArray();
        // Each request sends its headers and half its body, then waits for the gate: all 12 are in the service's
        // hands when the signal comes, whatever the machine's speed, and each finishes arriving after it.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var requests = Enumerable.Range(0, 12).Select(async i =>
        {
            using var form = new MultipartFormDataContent();
            for (int j = 0; j < 6; j++) form.Add(Png(photos[(i + j) % photos.Length]!), "image", photos[(i
                + j) % photos.Length]!);
            using var gated = new GatedContent(await form.ReadAsByteArrayAsync(), form.Headers.ContentType!, gate.Task);
            var response = await client.PostAsync("/v1/classify", gated);
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync(), At: DateTime.UtcNow);
        }).ToList();
        using (var probe = new HttpClient { BaseAddress = server.Url })
        {
            var until = DateTime.UtcNow.AddSeconds(60);
            while (!(await probe.GetStringAsync("/metrics")).Contains("shufflenet_requests_in_flight 12"))
            {
                Assert.True(DateTime.UtcNow < until, "the 12 requests were never in flight together");
                await Task.Delay(5);
            }
        }
        var signalTime = DateTime.UtcNow;
        Assert.Equal(0, Kill(server.Process.Id, SigTerm));
        lock (server.Lines) // the bodies' second halves go only once the service has the signal
        {
            var until = DateTime.UtcNow.AddSeconds(60);
            while (!server.Lines.Contains("stopping: finishing the requests in hand"))
            {
                Assert.True(DateTime.UtcNow < until, "serve never said it was stopping");
                Monitor.Wait(server.Lines, 5);
            }
        }
        gate.SetResult();

        var answers = await Task.WhenAll(requests);
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.All(answers, a => Assert.Equal(6, JsonDocument.Parse(a.Body).RootElement.GetArrayLength()));
        Assert.All(answers, a => Assert.True(a.At > signalTime));
        Assert.True(server.Process.WaitForExit(TimeSpan.FromSeconds(60)), "serve did not exit after SIGTERM");
        Assert.Equal(0, server.Process.ExitCode);
        lock (server.Lines) Assert.Contains("stopping: finishing the requests in hand", server.Lines);
        using var late = new HttpClient { BaseAddress = server.Url };
        await Assert.ThrowsAsync<HttpRequestException>(() => late.GetAsync("/healthz"));
    }

    [Fact]
    public void Bad_serving_options_are_one_line_errors_before_the_model_loads()
    {
        var r = CliRunner.Run("serve", "--checkpoint", CliRunner.Reference("mmcls_1.0.pth"), "--max-batch", "0");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("error: --max-batch must be 1-1024 (got 0)", r.Stderr.Trim());
        r = CliRunner.Run("serve", "--checkpoint", CliRunner.Reference("mmcls_1.0.pth"), "--host", "example.org");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("--host 'example.org' is not an IP address", r.Stderr);
    }
}
