using System.Globalization;

namespace ShuffleNet.Serving.Tests.Support;

/// <summary>Reads samples from the Prometheus text exposition format.</summary>
internal static class PrometheusText
{
    /// <summary>
    /// The value of the sample named exactly <paramref name="series"/> (name and labels as printed), 0 if absent.
    /// </summary>
    public static double Value(string text, string series)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith('#')) continue;
            int space = line.LastIndexOf(' ');
            if (space > 0 && line[..space] == series) return double.Parse(line[(space + 1)..],
                CultureInfo.InvariantCulture);
        }
        return 0;
    }
}
