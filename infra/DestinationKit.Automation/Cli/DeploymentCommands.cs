using System.CommandLine;
using DestinationKit.Automation.Driver;
using DestinationKit.Automation.Ephemeral;
using DestinationKit.Model.Configuration;
using DestinationKit.Simulator.Terminal;

namespace DestinationKit.Automation.Cli;

/// <summary>The deployment commands of <c>destinationkit</c>: <c>up</c>, <c>preview</c>, <c>destroy</c>, <c>outputs</c>
/// and <c>sweep</c>, through <see cref="DestinationDeployer"/> (docs/cli.md).</summary>
public static class DeploymentCommands
{
    public const int ExitOk = 0;
    public const int ExitFailed = 1;
    public const int ExitInvalidInput = 2;
    public const int ExitCancelled = 130;

    public static IReadOnlyList<Command> Build(Func<PulumiDriverOptions, IStackDriver>? driverFactory = null, Func<string, string?>? environment = null)
    {
        var common = new CommonOptions(driverFactory ?? (o => new PulumiStackDriver(o)), environment ?? Environment.GetEnvironmentVariable);
        return [Up(common), Preview(common), Destroy(common), Outputs(common), Ephemeral(common), Sweep(common)];
    }

    private static Command Up(CommonOptions common)
    {
        var aepOut = new Option<string?>("--aep-config") { Description = "Also write the Destination SDK JSON of the deployed stack to this file.", HelpName = "file.json" };
        var command = new Command("up", "Deploy a destination (create the stack if needed) and print its outputs; secrets are shown by name only.");
        common.AddConfiguration(command);
        command.Options.Add(aepOut);
        command.SetAction((result, token) => common.RunAsync(result, token, async (deployer, output) =>
        {
            var outputs = await deployer.UpAsync(common.ReadConfiguration(result), token).ConfigureAwait(false);
            await PrintAsync(outputs, output).ConfigureAwait(false);
            if (result.GetValue(aepOut) is { } file)
            {
                await File.WriteAllTextAsync(file, outputs.AepConfigurationJson, token).ConfigureAwait(false);
                await output.WriteLineAsync($"wrote {file}").ConfigureAwait(false);
            }
        }));
        return command;
    }

    private static Command Preview(CommonOptions common)
    {
        var command = new Command("preview", "Show what `up` would change, without changing anything.");
        common.AddConfiguration(command);
        command.SetAction((result, token) => common.RunAsync(result, token, async (deployer, output) =>
        {
            var preview = await deployer.PreviewAsync(common.ReadConfiguration(result), token).ConfigureAwait(false);
            await output.WriteLineAsync($"{preview.StackName}: {preview.Changes}").ConfigureAwait(false);
        }));
        return command;
    }

    private static Command Destroy(CommonOptions common)
    {
        var stack = StackOption(required: true);
        var remove = new Option<bool>("--remove") { Description = "Also remove the stack and its configuration once its resources are deleted." };
        var command = new Command("destroy", "Delete every resource of a destination's stack.") { stack, remove };
        common.AddBackend(command);
        command.SetAction((result, token) => common.RunAsync(result, token, (deployer, _) =>
            deployer.DestroyAsync(result.GetValue(stack)!, result.GetValue(remove), token)));
        return command;
    }

    private static Command Outputs(CommonOptions common)
    {
        var stack = StackOption(required: true);
        var aepOut = new Option<string?>("--aep-config") { Description = "Write the stack's Destination SDK JSON to this file (`-`: standard output).", HelpName = "file.json" };
        var command = new Command("outputs", "Print a deployed destination's outputs: target, endpoint or bucket, tenants with credentials (names only).") { stack, aepOut };
        common.AddBackend(command);
        command.SetAction((result, token) => common.RunAsync(result, token, async (deployer, output) =>
        {
            var outputs = await deployer.GetOutputsAsync(result.GetValue(stack)!, token).ConfigureAwait(false);
            var file = result.GetValue(aepOut);
            if (file == "-")
            {
                await output.WriteAsync(outputs.AepConfigurationJson).ConfigureAwait(false);
                return;
            }
            await PrintAsync(outputs, output).ConfigureAwait(false);
            if (file is not null)
            {
                await File.WriteAllTextAsync(file, outputs.AepConfigurationJson, token).ConfigureAwait(false);
                await output.WriteLineAsync($"wrote {file}").ConfigureAwait(false);
            }
        }));
        return command;
    }

    private static Command Ephemeral(CommonOptions common)
    {
        var prefix = new Option<string>("--prefix") { Description = "Name prefix of the throw-away stack (the sweeper finds leftovers by it).", DefaultValueFactory = _ => EphemeralStackNames.DefaultPrefix };
        var run = new Argument<string[]>("command")
        {
            Description = "The test to run against the deployment, after `--`. It gets the stack's outputs (as `pulumi stack output --json --show-secrets` "
                + $"writes them) in the file named by {OutputsVariable}, and the stack name in {StackVariable}.",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("ephemeral",
            "Deploy a throw-away copy of a destination under a unique stack name, run a test command against it, then always destroy and "
            + "remove the stack: when the test passes, fails or is cancelled. Exits with the test's exit code.")
        {
            prefix, run,
        };
        common.AddConfiguration(command);
        command.SetAction((result, token) => common.RunAsync(result, token, async (deployer, output) =>
        {
            var options = new EphemeralStackOptions { Prefix = result.GetValue(prefix)! };
            var exit = await EphemeralStack.RunAsync(deployer, common.ReadConfiguration(result, defaultStack: "ephemeral"), (outputs, cancellationToken) =>
                TestProcess.RunAsync(result.GetValue(run)!, outputs, cancellationToken), options, token).ConfigureAwait(false);
            await output.WriteLineAsync($"test exited with {exit}").ConfigureAwait(false);
            if (exit != 0) throw new TestFailedException(exit);
        }));
        return command;
    }

    public const string OutputsVariable = "DK_STACK_OUTPUTS";
    public const string StackVariable = "DK_STACK";

    private static Command Sweep(CommonOptions common)
    {
        var prefix = new Option<string>("--prefix") { Description = "Name prefix of the throw-away stacks.", DefaultValueFactory = _ => EphemeralStackNames.DefaultPrefix };
        var hours = new Option<double>("--older-than-hours") { Description = "Only stacks neither created nor updated for this long.", DefaultValueFactory = _ => 6 };
        var command = new Command("sweep", "Destroy and remove throw-away CI stacks that killed runs left behind.") { prefix, hours };
        common.AddBackend(command);
        command.SetAction((result, token) => common.RunAsync(result, token, async (deployer, output) =>
        {
            var sweep = await new StaleStackSweeper(deployer).SweepAsync(result.GetValue(prefix)!, TimeSpan.FromHours(result.GetValue(hours)), token).ConfigureAwait(false);
            foreach (var name in sweep.Removed) await output.WriteLineAsync($"removed {name}").ConfigureAwait(false);
            foreach (var (name, why) in sweep.Failed) await output.WriteLineAsync($"could not remove {name}: {why}").ConfigureAwait(false);
            await output.WriteLineAsync($"{sweep.Removed.Count} removed, {sweep.Failed.Count} failed").ConfigureAwait(false);
            if (sweep.Failed.Count > 0) throw new SweepIncompleteException();
        }));
        return command;
    }

    private static Option<string?> StackOption(bool required) => new("--stack", "-s")
    {
        Description = required ? "The stack's name." : "The stack's name (default: from Pulumi.<stack>.yaml).",
        Required = required,
        HelpName = "name",
    };

    private static async Task PrintAsync(DestinationOutputs outputs, TextWriter output)
    {
        await output.WriteLineAsync($"stack:   {outputs.StackName}").ConfigureAwait(false);
        await output.WriteLineAsync($"target:  {outputs.Target}").ConfigureAwait(false);
        if (outputs.Endpoint is { } endpoint) await output.WriteLineAsync($"endpoint: {endpoint}").ConfigureAwait(false);
        if (outputs.Bucket is { } bucket) await output.WriteLineAsync($"bucket:  {bucket}").ConfigureAwait(false);
        foreach (var credentials in outputs.Credentials.Values) await output.WriteLineAsync($"tenant   {credentials}").ConfigureAwait(false);
        await output.WriteLineAsync("secrets: `pulumi stack output credentials --show-secrets`, or read DestinationOutputs in code").ConfigureAwait(false);
    }

    private sealed class SweepIncompleteException() : Exception("some stale stacks could not be removed");

    private sealed class TestFailedException(int exitCode) : Exception($"the test exited with {exitCode}")
    {
        public int ExitCode { get; } = exitCode;
    }

    /// <summary>Options every command shares, and the run: progress on standard error (DeploymentProgress), errors as one line and an exit code.</summary>
    private sealed class CommonOptions(Func<PulumiDriverOptions, IStackDriver> driverFactory, Func<string, string?> environment)
    {
        private readonly Option<string?> _backend = new("--backend")
        {
            Description = "State backend URL (file://~, s3://bucket, ...) [default: PULUMI_BACKEND_URL or the logged-in backend].",
            HelpName = "url",
        };

        private readonly Option<string> _project = new("--project") { Description = "Pulumi project name.", DefaultValueFactory = _ => "destinationkit", HelpName = "name" };

        private readonly Option<string> _config = new("--config", "-c")
        {
            Description = "The destination: a Pulumi.<stack>.yaml, or a JSON object of key → value ({\"secret\": \"...\"} for a secret).",
            Required = true,
            HelpName = "file",
        };

        private readonly Option<string?> _stack = StackOption(required: false);

        private readonly Option<ProgressMode> _progress = ProgressModes.CreateOption();

        private readonly Option<string[]> _secrets = new("--secret")
        {
            Description = "KEY=ENVIRONMENT_VARIABLE: set a secret key from an environment variable (repeatable).",
            HelpName = "key=VARIABLE",
            AllowMultipleArgumentsPerToken = false,
        };

        public void AddBackend(Command command)
        {
            command.Options.Add(_backend);
            command.Options.Add(_project);
            command.Options.Add(_progress);
        }

        public void AddConfiguration(Command command)
        {
            command.Options.Add(_config);
            command.Options.Add(_stack);
            command.Options.Add(_secrets);
            AddBackend(command);
        }

        /// <param name="defaultStack">The stack name when neither --stack nor the file gives one (a throw-away stack's is replaced anyway).</param>
        public StackConfiguration ReadConfiguration(ParseResult result, string? defaultStack = null)
        {
            var configuration = ConfigurationInput.Read(result.GetValue(_config)!, result.GetValue(_stack) ?? DefaultFor(result.GetValue(_config)!, defaultStack),
                result.GetValue(_secrets) ?? [], environment);
            return configuration with { Project = result.GetValue(_project)! };
        }

        private static string? DefaultFor(string path, string? defaultStack) =>
            path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? defaultStack : null;

        public async Task<int> RunAsync(ParseResult result, CancellationToken token, Func<DestinationDeployer, TextWriter, Task> run)
        {
            var (output, error) = (result.InvocationConfiguration.Output, result.InvocationConfiguration.Error);
            var driver = driverFactory(new PulumiDriverOptions { ProjectName = result.GetValue(_project)!, BackendUrl = result.GetValue(_backend) });
            var deployer = new DestinationDeployer(driver);
            await using var progress = new DeploymentProgress(ProgressModes.Display(result, _progress), error);
            deployer.Progress += (_, e) => progress.On(e);
            try
            {
                await run(deployer, output).ConfigureAwait(false);
                return ExitOk;
            }
            catch (InvalidDestinationConfigException e)
            {
                await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
                return ExitInvalidInput;
            }
            catch (InvalidDataException e)
            {
                await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
                return ExitInvalidInput;
            }
            catch (OperationCanceledException)
            {
                await error.WriteLineAsync("cancelled").ConfigureAwait(false);
                return ExitCancelled;
            }
            catch (TestFailedException e)
            {
                return e.ExitCode;
            }
            catch (SweepIncompleteException e)
            {
                await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
                return ExitFailed;
            }
            catch (Pulumi.Automation.Commands.Exceptions.CommandException e)
            {
                // The Pulumi CLI's own message (it masks secrets); no .NET stack trace.
                await error.WriteLineAsync($"error: pulumi failed: {e.Message.Trim()}").ConfigureAwait(false);
                return ExitFailed;
            }
            catch (Exception e) when (e is StackMissingException or InvalidOperationException or EphemeralStackTeardownException)
            {
                await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
                return ExitFailed;
            }
        }
    }
}
