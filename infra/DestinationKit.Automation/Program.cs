using System.CommandLine;
using DestinationKit.Automation.Cli;
using DestinationKit.Simulator.Terminal;

// Ctrl+C or SIGTERM cancels the running operation; the process then waits for the cleanup that follows (an ephemeral
// stack's destroy and remove) instead of the default 2 seconds.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromMinutes(30) };
return await CommandLineInvocation.InvokeAsync(DestinationKitCli.Build(), args, invocation).ConfigureAwait(false);
