using System.CommandLine;
using DestinationKit.Simulator.Simulate;

namespace DestinationKit.Simulator;

/// <summary>The simulator's CLI: one line per command group, each built by its folder's <c>*Command.cs</c>.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args)
    {
        var root = new RootCommand("DestinationKit simulator: plays Adobe Experience Platform against a destination.");
        root.Subcommands.Add(SimulateCommand.Build());
        foreach (var command in Publishing.PublishingCommands.Build()) root.Subcommands.Add(command);
        return Terminal.CommandLineInvocation.InvokeAsync(root, args);
    }
}
