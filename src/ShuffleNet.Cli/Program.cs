using System.CommandLine;
using System.CommandLine.Invocation;
using ShuffleNet.Cli.Commands;
using ShuffleNet.Cli.Experiments;

var root = new RootCommand("ShuffleNet V2 (Ma et al., ECCV 2018) for .NET: inspect, convert, predict, train, test, " +
    "export, quantize, benchmark and serve.")
{
    InfoCommand.Create(),
    ConvertCommand.Create(),
    ModelsCommand.Create(),
    PredictCommand.Create(),
    ExportCommand.Create(),
    QuantizeCommand.Create(),
    BenchmarkCommand.Create(),
    TrainCommand.Create(),
    TestCommand.Create(),
    CamCommand.Create(),
    GuidelinesCommand.Create(),
    CompareCommand.Create(),
    ServeCommand.Create(),
};
var parsed = root.Parse(args);
// a bad option value is a bad input like any other: one line naming it, exit code 1 (help stays a --help away)
if (parsed.Action is ParseErrorAction && args.Length > 0)
{
    foreach (var e in parsed.Errors) Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
return parsed.Invoke();
