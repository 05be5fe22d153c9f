using System.CommandLine;
using ShuffleNet.Cli.Commands;

var root = new RootCommand("ShuffleNet V2 (Ma et al., ECCV 2018) for .NET: inspect, convert, predict, train, test, export and benchmark.")
{
    InfoCommand.Create(),
    ConvertCommand.Create(),
    ModelsCommand.Create(),
    PredictCommand.Create(),
    ExportCommand.Create(),
    BenchmarkCommand.Create(),
    TrainCommand.Create(),
    TestCommand.Create(),
    GuidelinesCommand.Create(),
    CompareCommand.Create(),
};
return root.Parse(args).Invoke();
