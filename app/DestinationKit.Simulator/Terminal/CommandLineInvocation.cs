using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;

namespace DestinationKit.Simulator.Terminal;

/// <summary>Runs a command line the way our CLIs document it: a mistake in the options is reported as
/// <c>error: ...</c> lines and a pointer to <c>--help</c> on standard error, with exit code 2 (System.CommandLine's own
/// handling prints the whole help and exits with 1, the code for "something failed").</summary>
public static class CommandLineInvocation
{
    public const int ExitUsage = 2;

    public static async Task<int> InvokeAsync(RootCommand root, string[] args, InvocationConfiguration? configuration = null, CancellationToken cancellationToken = default)
    {
        configuration ??= new InvocationConfiguration();
        var result = root.Parse(args);
        if (result.Errors.Count == 0 || result.Action is not ParseErrorAction)
        {
            return await result.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        foreach (var error in result.Errors)
        {
            await configuration.Error.WriteLineAsync("error: " + error.Message).ConfigureAwait(false);
        }
        await configuration.Error.WriteLineAsync($"Run '{CommandPath(result.CommandResult)} --help' for the options.").ConfigureAwait(false);
        return ExitUsage;
    }

    private static string CommandPath(CommandResult command)
    {
        var names = new List<string>();
        for (SymbolResult? current = command; current is not null; current = current.Parent)
        {
            if (current is CommandResult c) names.Insert(0, c.Command.Name);
        }
        return string.Join(' ', names);
    }
}
