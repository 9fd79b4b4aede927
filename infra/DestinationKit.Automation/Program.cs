using System.CommandLine;
using DestinationKit.Automation.Cli;
using DestinationKit.Simulator.Publishing;

var root = new RootCommand("destinationkit: deploy an Adobe Experience Platform destination with Pulumi and publish its Destination SDK configuration to Adobe. docs/cli.md has examples.");
foreach (var command in DeploymentCommands.Build().Concat(PublishingCommands.Build())) root.Subcommands.Add(command);
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
