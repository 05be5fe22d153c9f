using System.Diagnostics;
using System.Numerics;
using System.Threading.Channels;

namespace ShuffleNet.Serving;

/// <summary>
/// Requests queue here as preprocessed samples; one worker thread forms batches of up to
/// <see cref="ServeOptions.MaxBatch"/> and runs them on the one model. A batch closes when it is full, when nothing
/// more is on its way (no request being decoded), or <see cref="ServeOptions.MaxDelay"/> after its first sample was
/// queued. The queue itself is unbounded: admission (<see cref="ServeOptions.QueueCapacity"/>) bounds what can reach
/// it.
/// </summary>
internal sealed class DynamicBatcher
{
    private sealed record Job(float[] Sample, TaskCompletionSource<float[]> Done, CancellationToken Aborted,
        long Queued);

    private readonly IInferenceBackend _backend;
    private readonly ServeOptions _options;
    private readonly Func<int> _decoding;
    private readonly ServingMetrics _metrics;
    private readonly Channel<Job> _queue = Channel.CreateUnbounded<Job>();
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly float[] _input, _logits;
    private Thread? _thread;
    private volatile bool _ready;

    /// <summary>
    /// A batcher for <paramref name="backend"/>; <paramref name="decoding"/> tells how many requests are being read or
    /// decoded now: while some are, a batch waits for them (up to the max delay).
    /// </summary>
    public DynamicBatcher(IInferenceBackend backend, ServeOptions options, Func<int> decoding, ServingMetrics metrics)
    {
        (_backend, _options, _decoding, _metrics) = (backend, options, decoding, metrics);
        _input = new float[options.MaxBatch * backend.ImageSize];
        _logits = new float[options.MaxBatch * backend.NumClasses];
    }

    /// <summary>True once the model has run every batch shape it will be given (the warm-up).</summary>
    public bool IsReady => _ready;

    /// <summary>Why the warm-up failed, or null; requests are still tried (and fail with the model's error).</summary>
    public string? WarmUpError { get; private set; }

    /// <summary>Samples queued and not yet taken into a batch.</summary>
    public int Waiting => _queue.Reader.Count;

    /// <summary>Completes when the worker has drained the queue after <see cref="Complete"/>.</summary>
    public Task Finished => _finished.Task;

    /// <summary>Starts the worker: a warm-up, then batches until <see cref="Complete"/>.</summary>
    public void Start()
    {
        _thread = new Thread(Work) { IsBackground = true, Name = "shufflenet-batcher" };
        _thread.Start();
    }

    /// <summary>
    /// Queues <paramref name="sample"/> (one image, <see cref="IInferenceBackend.ImageSize"/> floats; the batcher
    /// returns it to the shared pool once copied) and completes with its logits.
    /// </summary>
    /// <exception cref="ServeException">The service is shutting down and takes no more work.</exception>
    public Task<float[]> Enqueue(float[] sample, CancellationToken aborted)
    {
        var job = new Job(sample, new(TaskCreationOptions.RunContinuationsAsynchronously), aborted,
            Stopwatch.GetTimestamp());
        if (!_queue.Writer.TryWrite(job))
            throw new ServeException(503, "shutting_down", "the service is shutting down; send the request to " +
                "another instance");
        return job.Done.Task;
    }

    /// <summary>Takes no more samples; the worker finishes those queued, then stops.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    private void Work()
    {
        try
        {
            try
            {
                WarmUp();
                _ready = true;
            }
            catch (Exception e) { WarmUpError = e.Message; }
            var batch = new List<Job>(_options.MaxBatch);
            var reader = _queue.Reader;
            while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                Fill(batch);
                if (batch.Count == 0) continue;
                if (batch.Count < _options.MaxBatch && _options.MaxDelay > TimeSpan.Zero) WaitForMore(batch);
                Run(batch);
                batch.Clear();
            }
        }
        finally { _finished.TrySetResult(); }
    }

    // every shape Run will use, so no request pays for ONNX Runtime's per-shape setup or libtorch's first call
    private void WarmUp()
    {
        for (int n = 1; n <= _options.MaxBatch; n *= 2)
            _backend.Run(_input.AsSpan(0, n * _backend.ImageSize), n, _logits.AsSpan(0, n * _backend.NumClasses));
    }

    private void Fill(List<Job> batch)
    {
        while (batch.Count < _options.MaxBatch && _queue.Reader.TryRead(out var job))
        {
            if (job.Aborted.IsCancellationRequested) Drop(job);
            else batch.Add(job);
        }
    }

    private void WaitForMore(List<Job> batch)
    {
        long deadline = batch[0].Queued + (long)(_options.MaxDelay.TotalSeconds * Stopwatch.Frequency);
        while (batch.Count < _options.MaxBatch && _decoding() > 0)
        {
            var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            if (left <= TimeSpan.Zero) break;
            using var timeout = new CancellationTokenSource(left);
            try
            {
                if (!_queue.Reader.WaitToReadAsync(timeout.Token).AsTask().GetAwaiter().GetResult()) break;
            }
            catch (OperationCanceledException) { break; }
            Fill(batch);
        }
    }

    // Runs the batch as power-of-two pieces (23 = 16 + 4 + 2 + 1): the backends keep buffers per batch size, so
    // this bounds them to log2(MaxBatch) + 1 shapes, where every size up to 32 would pin ~300 MB of inputs.
    private void Run(List<Job> batch)
    {
        int n = batch.Count, size = _backend.ImageSize, classes = _backend.NumClasses;
        for (int i = 0; i < n; i++)
        {
            batch[i].Sample.AsSpan(0, size).CopyTo(_input.AsSpan(i * size, size));
            System.Buffers.ArrayPool<float>.Shared.Return(batch[i].Sample);
        }
        _metrics.BatchSize.Observe(n);
        try
        {
            for (int done = 0; done < n;)
            {
                int piece = 1 << BitOperations.Log2((uint)(n - done));
                _backend.Run(_input.AsSpan(done * size, piece * size), piece, _logits.AsSpan(done * classes,
                    piece * classes));
                done += piece;
            }
        }
        catch (Exception e)
        {
            foreach (var job in batch) job.Done.TrySetException(e);
            return;
        }
        for (int i = 0; i < n; i++) batch[i].Done.TrySetResult(_logits.AsSpan(i * classes, classes).ToArray());
    }

    private static void Drop(Job job)
    {
        System.Buffers.ArrayPool<float>.Shared.Return(job.Sample);
        job.Done.TrySetCanceled(job.Aborted);
    }
}
