using System.Buffers;
using ShuffleNet.Vision.Datasets;
using ShuffleNet.Vision.Decoding;

namespace ShuffleNet.Vision.Loading;

/// <summary>
/// One epoch in flight. Workers claim sample positions in order and write each result into a ring of per-sample
/// slots (the bounded prefetch); the consumer takes the slots in order, copies them into the batch buffer and
/// leaves out corrupt samples under the Skip policy. Claiming in order and consuming in order is what makes the
/// batches independent of the thread count.
/// </summary>
internal sealed class EpochReader : IDisposable
{
    private enum SlotState : byte { Pending, Ok, Failed }

    private readonly DataLoader _loader;
    private readonly int _epoch, _window, _sampleSize;
    private readonly int[] _order;
    private readonly float[] _slots;
    private readonly SlotState[] _state;
    private readonly Exception?[] _errors;
    private readonly Thread[] _threads;
    private readonly object _gate = new();
    private int _claimed, _consumed, _batchIndex;
    private bool _stop, _disposed;

    public EpochReader(DataLoader loader, int epoch, int startBatch = 0)
    {
        _loader = loader; _epoch = epoch;
        _order = loader.Order(epoch);
        // resuming mid-epoch: start at the first sample of batch startBatch (exact when no sample is skipped)
        _claimed = _consumed = Math.Min(_order.Length, startBatch * loader.Options.BatchSize);
        _batchIndex = startBatch;
        _sampleSize = loader.Pipeline.SampleSize;
        var o = loader.Options;
        _window = Math.Max(o.PrefetchBatches * o.BatchSize, o.BatchSize + o.Workers);
        _slots = ArrayPool<float>.Shared.Rent(_window * _sampleSize);
        _state = new SlotState[_window];
        _errors = new Exception?[_window];
        _threads = new Thread[o.Workers];
        for (int i = 0; i < _threads.Length; i++)
        {
            _threads[i] = new Thread(Work) { IsBackground = true, Name = $"loader-e{epoch}-w{i}" };
            Interlocked.Increment(ref loader._activeWorkers);
            _threads[i].Start();
        }
    }

    /// <summary>The next batch, or null at the end of the epoch.</summary>
    public Batch? Next()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var p = _loader.Pipeline;
        var batch = new Batch(_loader.Pool, _epoch, _batchIndex, p.Channels, p.Height, p.Width);
        try
        {
            while (batch.Count < _loader.Options.BatchSize && _consumed < _order.Length) Take(batch);
            bool keep = batch.Count > 0 && !(_loader.Options.DropLast && batch.Count < _loader.Options.BatchSize);
            if (!keep) { batch.Dispose(); return null; }
            _batchIndex++;
            return batch;
        }
        catch { batch.Dispose(); throw; }
    }

    private void Take(Batch batch)
    {
        int slot = _consumed % _window, index = _order[_consumed];
        SlotState state;
        lock (_gate)
        {
            while ((state = _state[slot]) == SlotState.Pending) Monitor.Wait(_gate);
        }
        if (state == SlotState.Ok)
        {
            _slots.AsSpan(slot * _sampleSize, _sampleSize).CopyTo(batch.Data.AsSpan(batch.Count * _sampleSize));
            batch.LabelData[batch.Count] = _loader.Dataset.GetLabel(index);
            batch.Indices[batch.Count++] = index;
        }
        else if (_loader.Options.OnCorruptImage == CorruptImagePolicy.Skip)
        {
            var skipped = new SkippedSample(index, _loader.Dataset.Describe(index), _errors[slot]!);
            batch.SkippedList.Add(skipped);
            _loader.Options.OnSkipped?.Invoke(skipped);
        }
        else
            throw _errors[slot] is ImageDecodeException d ? d
                : new InvalidOperationException($"sample {index} ('{_loader.Dataset.Describe(index)}') failed: " +
                    $"{_errors[slot]!.Message}", _errors[slot]);
        lock (_gate)
        {
            _state[slot] = SlotState.Pending;
            _errors[slot] = null;
            _consumed++;
            Monitor.PulseAll(_gate);
        }
    }

    private void Work()
    {
        try
        {
            while (true)
            {
                int pos;
                lock (_gate)
                {
                    while (!_stop && _claimed < _order.Length && _claimed >= _consumed + _window) Monitor.Wait(_gate);
                    if (_stop || _claimed >= _order.Length) return;
                    pos = _claimed++;
                }
                int slot = pos % _window, index = _order[pos];
                Exception? error = null;
                try
                {
                    var rng = DataLoader.SampleRandom(_loader.Options.Seed, _epoch, index);
                    var chw = _slots.AsSpan(slot * _sampleSize, _sampleSize);
                    if (_loader.Dataset is IEncodedImageDataset files && _loader.Pipeline.RegionDecode)
                        _loader.Pipeline.RunEncoded(files.ReadEncoded(index), files.Describe(index), files.Decoder, rng,
                            chw);
                    else
                        _loader.Pipeline.Run(_loader.Dataset.Load(index), rng, chw, _loader.Dataset.Describe(index));
                }
                catch (Exception e) { error = e; }
                lock (_gate)
                {
                    _errors[slot] = error;
                    _state[slot] = error is null ? SlotState.Ok : SlotState.Failed;
                    Monitor.PulseAll(_gate);
                }
            }
        }
        finally { Interlocked.Decrement(ref _loader._activeWorkers); }
    }

    /// <summary>Stops the workers (each finishes at most the sample it is on) and waits for them.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        lock (_gate) { _stop = true; Monitor.PulseAll(_gate); }
        foreach (var t in _threads) t.Join();
        ArrayPool<float>.Shared.Return(_slots);
    }
}
