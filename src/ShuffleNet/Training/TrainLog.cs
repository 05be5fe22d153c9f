using System.Text.Json;
using ShuffleNet.Checkpoints;

namespace ShuffleNet.Training;

/// <summary>
/// <c>log.json</c> as mmcls writes it: one JSON object per line, <c>mode</c> "train" (every log interval: <c>epoch,
/// iter</c> within the epoch, <c>lr, memory</c> (resident MB: no GPU here), <c>data_time, loss, time</c> averaged
/// over the interval) or "val" (<c>epoch, iter, lr, accuracy_top-1, accuracy_top-5</c>). The lines are kept in memory
/// and the file is rewritten whole through <see cref="AtomicFile"/> (a temp file, then a rename): on every validation
/// line, at most every <see cref="CommitInterval"/> otherwise, and on <see cref="Commit"/>, which the trainer calls
/// before each checkpoint, so a checkpoint's <c>meta.log_lines</c> is the number of lines on disk when it was
/// written. A killed run leaves the last complete file, never half a line; a resumed run keeps the lines its
/// checkpoint had seen and appends after them.
/// </summary>
public sealed class TrainLog : IDisposable
{
    private readonly List<string> _lines;
    private int _committed;
    private long _lastCommit = Environment.TickCount64;

    /// <summary>
    /// Opens <paramref name="path"/>: its existing lines are kept, new lines follow. A run resumed at
    /// <paramref name="resumedAt"/> keeps only the lines its checkpoint had seen: the first
    /// <see cref="TrainPosition.LogLines"/>, or, for a checkpoint without that count, all but the trailing lines
    /// after its epoch and iteration (<paramref name="itersPerEpoch"/> per epoch).
    /// </summary>
    /// <exception cref="TrainingException">The existing file cannot be read.</exception>
    public TrainLog(string path, TrainPosition? resumedAt = null, int itersPerEpoch = 1)
    {
        Path = path;
        try { _lines = File.Exists(path) ? [.. File.ReadLines(path).Where(l => !string.IsNullOrWhiteSpace(l))] : []; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TrainingException(
                $"cannot read the training log '{path}': {e.Message}; move it away or choose another --work-dir", e);
        }
        _committed = _lines.Count;
        if (resumedAt is null) return;
        int keep = resumedAt.LogLines is { } n ? (int)Math.Clamp(n, 0, _lines.Count)
            : SeenBy(_lines, resumedAt, itersPerEpoch);
        if (keep == _lines.Count) return;
        _lines.RemoveRange(keep, _lines.Count - keep);
        _committed = -1;   // rewrite on the next commit
    }

    // Lines up to the last one at or before the position (train: global iteration; val: completed epoch).
    private static int SeenBy(List<string> lines, TrainPosition pos, int ipe)
    {
        int keep = lines.Count;
        for (; keep > 0; keep--)
        {
            try
            {
                using var doc = JsonDocument.Parse(lines[keep - 1]);
                var e = doc.RootElement;
                int epoch = e.GetProperty("epoch").GetInt32(), iter = e.GetProperty("iter").GetInt32();
                bool after = e.GetProperty("mode").GetString() == "val"
                    ? epoch > pos.Epoch
                    : (long)(epoch - 1) * ipe + iter > pos.Iter;
                if (!after) break;
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException
                                           or FormatException) { break; }
        }
        return keep;
    }

    /// <summary>
    /// How often training lines reach the disk at most (validation lines and <see cref="Commit"/> always do).
    /// </summary>
    public static TimeSpan CommitInterval { get; } = TimeSpan.FromSeconds(2);

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>Lines in the log, written or not yet.</summary>
    public int Count => _lines.Count;

    /// <summary>Writes a training line.</summary>
    public void Train(int epoch, int iterInEpoch, double lr, double loss, double time, double dataTime) => Add(w =>
    {
        w.WriteString("mode", "train");
        w.WriteNumber("epoch", epoch);
        w.WriteNumber("iter", iterInEpoch);
        w.WriteNumber("lr", lr);
        w.WriteNumber("memory", Environment.WorkingSet / (1 << 20));
        w.WriteNumber("data_time", Math.Round(dataTime, 5));
        w.WriteNumber("loss", Math.Round(loss, 5));
        w.WriteNumber("time", Math.Round(time, 5));
    }, force: false);

    /// <summary>Writes a validation line.</summary>
    public void Val(int epoch, int iterInEpoch, double lr, double top1, double top5) => Add(w =>
    {
        w.WriteString("mode", "val");
        w.WriteNumber("epoch", epoch);
        w.WriteNumber("iter", iterInEpoch);
        w.WriteNumber("lr", lr);
        w.WriteNumber("accuracy_top-1", Math.Round(top1, 4));
        w.WriteNumber("accuracy_top-5", Math.Round(top5, 4));
    }, force: true);

    /// <summary>Writes every line to the file now (atomically), if any changed since the last time.</summary>
    /// <exception cref="TrainingException">The file could not be written (disk full, ...); the previous one is
    /// kept.</exception>
    public void Commit()
    {
        if (_committed == _lines.Count) return;
        AtomicFile.Write(Path, stream =>
        {
            using var writer = new StreamWriter(stream, leaveOpen: true);
            foreach (var line in _lines) writer.WriteLine(line);
        }, (message, inner) => new TrainingException(message, inner));
        _committed = _lines.Count;
        _lastCommit = Environment.TickCount64;
    }

    private void Add(Action<Utf8JsonWriter> body, bool force)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        _lines.Add(System.Text.Encoding.UTF8.GetString(ms.ToArray()));
        if (force || Environment.TickCount64 - _lastCommit >= CommitInterval.TotalMilliseconds) Commit();
    }

    /// <summary>Commits what is left, best effort: a failure here must not hide the one that ended the run.</summary>
    public void Dispose()
    {
        try { Commit(); }
        catch (TrainingException) { }
    }
}
