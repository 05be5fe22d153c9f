using System.CommandLine;
using System.Globalization;
using ShuffleNet.Checkpoints;
using Spectre.Console;

namespace ShuffleNet.Cli.Commands;

/// <summary>
/// <c>shufflenet models</c>: the known checkpoints, their published accuracy, and which are in the cache.
/// </summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var json = Options.Json();
        var command = new Command("models", "List the pretrained checkpoints --checkpoint accepts by name: source, " +
            "accuracy, size, and whether cached.")
        {
            json,
        };
        command.SetAction(r => Common.Run(() => Execute(r.GetValue(json))));
        return command;
    }

    private static int Execute(bool json)
    {
        var zoo = ModelZoo.Default;   // never touches the network: listing only looks at the cache folder
        var rows = zoo.Entries.Select(e =>
        {
            var path = zoo.CachePath(e);
            long? bytes = File.Exists(path) ? new FileInfo(path).Length : null;
            return (Entry: e, Path: path, Bytes: bytes);
        }).ToList();
        if (json)
        {
            Common.PrintJson(new
            {
                CacheDirectory = zoo.CacheDirectory,
                Models = rows.Select(r => new
                {
                    r.Entry.Name,
                    r.Entry.Source,
                    Arch = ShuffleNetV2Layout.Name(r.Entry.Width),
                    r.Entry.Layout,
                    Url = r.Entry.Url.ToString(),
                    Sha256Prefix = r.Entry.HashPrefix,
                    r.Entry.Sha256,
                    r.Entry.Top1,
                    r.Entry.Top5,
                    r.Entry.PublishedMebibytes,
                    r.Entry.Preprocessing,
                    Cached = r.Bytes is not null,
                    CachedBytes = r.Bytes,
                    Path = r.Path,
                }),
            });
            return 0;
        }
        // names unwrapped: they are what the user copies into --checkpoint
        // a pipe has no width: do not wrap names (what the user copies into --checkpoint) at Spectre's default 80
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 120);
        var table = new Table().AddColumn(new TableColumn("name").NoWrap())
            .AddColumns("source", "arch", "top-1", "top-5", "resize/crop", "MiB", "cached");
        foreach (var (e, _, bytes) in rows)
            table.AddRow(Markup.Escape(e.Name), e.Source, ShuffleNetV2Layout.Name(e.Width), Percent(e.Top1),
                Percent(e.Top5),
                $"{e.Preprocessing.Resize}/{e.Preprocessing.Crop}",
                bytes is { } b ? $"{b / 1048576.0:F1}" : e.PublishedMebibytes is { } mib ? $"{mib:F1}" : "?",
                bytes is null ? "no" : "[green]yes[/]");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"cache: {Markup.Escape(zoo.CacheDirectory)} (set SHUFFLENET_CACHE to move it); use a " +
            "name with --checkpoint");
        return 0;
    }

    // as published (72.996, 69.55): the shortest round-trip form, no rounding
    private static string Percent(double? v) => v is { } x ? x.ToString(CultureInfo.InvariantCulture) : "-";
}
