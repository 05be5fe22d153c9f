using System.Text.Json;
using ShuffleNet.Vision.Decoding;
using ShuffleNet.Vision.Transforms;

namespace ShuffleNet.Vision.Tests.Transforms;

/// <summary>
/// One Pillow 9.4 reference output made by Fixtures/augment/make_augment_fixtures.py (augment.json + augment.bin):
/// an op of <see cref="AugmentKind"/> with its magnitude, direction, fill and interpolation, on the 32x32 RGB or the
/// 28x28 grayscale source.
/// </summary>
public sealed record AugmentCase(int Index, string Source, AugmentOp Op, double Magnitude, AugmentSettings Settings,
    string Args, int Width, int Height, int Channels, byte[] Src, byte[] Expected)
{
    public override string ToString() => $"#{Index} {Source} {Op.Kind} {Args}";

    private static readonly Lazy<AugmentCase[]> All = new(Load);

    public static IEnumerable<object[]> Indices() => All.Value.Select(c => new object[] { c.Index });

    public static AugmentCase Get(int index) => All.Value[index];

    public ImageU8 Image() => ImageU8.Wrap(Src.ToArray(), Width, Height, Channels);

    private static AugmentCase[] Load()
    {
        string dir = TestPaths.Fixture("augment");
        var blob = File.ReadAllBytes(Path.Combine(dir, "augment.bin"));
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "augment.json")));
        var sources = doc.RootElement.GetProperty("sources");
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select((e, i) =>
        {
            var src = sources.GetProperty(e.GetProperty("source").GetString()!);
            int w = src.GetProperty("width").GetInt32(), h = src.GetProperty("height").GetInt32();
            int c = src.GetProperty("channels").GetInt32(), n = w * h * c;
            var args = e.GetProperty("args");
            var kind = Enum.Parse<AugmentKind>(e.GetProperty("op").GetString()!);
            double Arg(string name) => args.TryGetProperty(name, out var v) ? v.GetDouble() : 0;
            double m = kind switch
            {
                AugmentKind.Posterize => Arg("bits"),
                AugmentKind.Solarize => Arg("thr"),
                AugmentKind.Rotate => Arg("angle"),
                _ => Arg("magnitude"),
            };
            bool vertical = args.TryGetProperty("direction", out var d) && d.GetString() == "vertical";
            Resample? interpolation = args.TryGetProperty("interpolation", out var ip)
                ? Enum.Parse<Resample>(ip.GetString()!, ignoreCase: true) : null;
            byte[] fill = args.TryGetProperty("fill", out var f)
                ? f.EnumerateArray().Select(v => (byte)v.GetInt32()).ToArray() : [128];
            // the generator's default interpolation is nearest for every geometric op
            var settings = new AugmentSettings(PadVal: fill, Interpolation: interpolation ?? Resample.Nearest);
            int so = src.GetProperty("offset").GetInt32(), eo = e.GetProperty("offset").GetInt32();
            return new AugmentCase(i, e.GetProperty("source").GetString()!, new AugmentOp(kind, Vertical: vertical), m,
                settings, args.GetRawText(), w, h, c, blob.AsSpan(so, n).ToArray(), blob.AsSpan(eo, n).ToArray());
        }).ToArray();
    }
}
