using System.CommandLine;
using DestinationKit.Simulator.Publishing;
using DestinationKit.Simulator.Simulate;

namespace DestinationKit.Automation.Cli;

/// <summary>The <c>destinationkit</c> command: the deployment commands, the Pulumi-free <c>aep-config</c> and
/// <c>publish</c>, and the simulator's <c>simulate</c> commands to test a deployment with (docs/cli.md).</summary>
public static class DestinationKitCli
{
    public static RootCommand Build()
    {
        var root = new RootCommand("destinationkit: deploy an Adobe Experience Platform destination with Pulumi, publish its Destination SDK "
            + "configuration to Adobe, and play AEP against it. docs/cli.md has examples.");
        foreach (var command in DeploymentCommands.Build().Concat(PublishingCommands.Build())) root.Subcommands.Add(command);
        root.Subcommands.Add(SimulateCommand.Build());
        return root;
    }
}
