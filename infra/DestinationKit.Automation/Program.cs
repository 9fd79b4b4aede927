using System.CommandLine;
using DestinationKit.Automation.Cli;
using DestinationKit.Simulator.Publishing;

var root = new RootCommand("destinationkit: deploy an Adobe Experience Platform destination with Pulumi and publish its Destination SDK configuration to Adobe. docs/cli.md has examples.");
foreach (var command in DeploymentCommands.Build().Concat(PublishingCommands.Build())) root.Subcommands.Add(command);
// Ctrl+C or SIGTERM cancels the running operation; the process then waits for the cleanup that follows (an ephemeral
// stack's destroy and remove) instead of the default 2 seconds.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromMinutes(30) };
return await root.Parse(args).InvokeAsync(invocation).ConfigureAwait(false);
