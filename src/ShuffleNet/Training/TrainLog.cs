using System.Text.Json;

namespace ShuffleNet.Training;

/// <summary>
/// <c>log.json</c> as mmcls writes it: one JSON object per line, <c>mode</c> "train" (every log interval: <c>epoch, iter</c>
/// within the epoch, <c>lr, memory</c> (resident MB: no GPU here), <c>data_time, loss, time</c> averaged over the interval) or
/// "val" (<c>epoch, iter, lr, accuracy_top-1, accuracy_top-5</c>). A resumed run appends.
/// </summary>
public sealed class TrainLog : IDisposable
{
    private readonly StreamWriter _writer;

    /// <summary>Opens <paramref name="path"/> for appending.</summary>
    public TrainLog(string path)
    {
        Path = path;
        _writer = new StreamWriter(path, append: true) { AutoFlush = true };
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>Writes a training line.</summary>
    public void Train(int epoch, int iterInEpoch, double lr, double loss, double time, double dataTime) => Write(w =>
    {
        w.WriteString("mode", "train");
        w.WriteNumber("epoch", epoch);
        w.WriteNumber("iter", iterInEpoch);
        w.WriteNumber("lr", lr);
        w.WriteNumber("memory", Environment.WorkingSet / (1 << 20));
        w.WriteNumber("data_time", Math.Round(dataTime, 5));
        w.WriteNumber("loss", Math.Round(loss, 5));
        w.WriteNumber("time", Math.Round(time, 5));
    });

    /// <summary>Writes a validation line.</summary>
    public void Val(int epoch, int iterInEpoch, double lr, double top1, double top5) => Write(w =>
    {
        w.WriteString("mode", "val");
        w.WriteNumber("epoch", epoch);
        w.WriteNumber("iter", iterInEpoch);
        w.WriteNumber("lr", lr);
        w.WriteNumber("accuracy_top-1", Math.Round(top1, 4));
        w.WriteNumber("accuracy_top-5", Math.Round(top5, 4));
    });

    private void Write(Action<Utf8JsonWriter> body)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        _writer.WriteLine(System.Text.Encoding.UTF8.GetString(ms.ToArray()));
    }

    /// <inheritdoc />
    public void Dispose() => _writer.Dispose();
}
