using System.Text.Json;

namespace ShuffleNet.Vision.Tests.Transforms;

/// <summary>One Pillow resize made by tools/reference/make_vision_fixtures.py (resize.json + resize.bin).</summary>
public sealed record ResizeCase(int Index, int SrcW, int SrcH, int Channels, int[]? Box, int DstW, int DstH,
    string Filter, byte[] Src, byte[] Expected)
{
    public override string ToString() =>
        $"#{Index} {Filter} {SrcW}x{SrcH}x{Channels}{(Box is null ? "" : $" box[{string.Join(",", Box)}]")} -> " +
            $"{DstW}x{DstH}";

    private static readonly Lazy<ResizeCase[]> All = new(Load);

    public static IEnumerable<object[]> Indices() => All.Value.Select(c => new object[] { c.Index });

    public static ResizeCase Get(int index) => All.Value[index];

    private static ResizeCase[] Load()
    {
        var blob = File.ReadAllBytes(TestPaths.Fixture("resize.bin"));
        using var doc = JsonDocument.Parse(File.ReadAllText(TestPaths.Fixture("resize.json")));
        return doc.RootElement.EnumerateArray().Select((e, i) =>
        {
            int[] src = e.GetProperty("src_wh").EnumerateArray().Select(v => v.GetInt32()).ToArray();
            int[] dst = e.GetProperty("dst_wh").EnumerateArray().Select(v => v.GetInt32()).ToArray();
            int c = e.GetProperty("channels").GetInt32();
            var boxEl = e.GetProperty("box");
            int[]? box = boxEl.ValueKind == JsonValueKind.Null ? null : boxEl.EnumerateArray().Select(v => v.GetInt32())
                .ToArray();
            int so = e.GetProperty("src_offset").GetInt32(), d0 = e.GetProperty("dst_offset").GetInt32();
            return new ResizeCase(i, src[0], src[1], c, box, dst[0], dst[1], e.GetProperty("filter").GetString()!,
                blob.AsSpan(so, src[0] * src[1] * c).ToArray(), blob.AsSpan(d0, dst[0] * dst[1] * c).ToArray());
        }).ToArray();
    }
}
