using DestinationKit.Automation.Driver;
using DestinationKit.Infra;
using DestinationKit.Model.Configuration;
using DestinationKit.Model.Spec;

namespace DestinationKit.Automation;

/// <summary>Result of a preview: what an up would change.</summary>
public sealed record PreviewOutcome(string StackName, OperationSummary Changes);

/// <summary>Deploys, previews, destroys and reads one destination's stack, running <see cref="DestinationStack"/>
/// inline. The configuration is validated as a whole before anything touches the backend, with the same messages
/// as <c>pulumi up</c> (<see cref="InvalidDestinationConfigException"/>); then the stack is opened, the target's
/// provider plugins installed, the configuration written (secret keys as secrets) and the operation run.
/// Progress is reported through <see cref="Progress"/>; every call honours its cancellation token.</summary>
public sealed class DestinationDeployer(IStackDriver driver)
{
    /// <summary>Raised for every step, on the thread doing the work.</summary>
    public event EventHandler<DeploymentEvent>? Progress;

    /// <summary>Validates a configuration without deploying it; throws <see cref="InvalidDestinationConfigException"/>
    /// with every error.</summary>
    public static DestinationSpec Validate(StackConfiguration configuration) => DestinationSpecParser.Parse(configuration);

    /// <summary>Creates the stack if needed and deploys it (<c>pulumi up</c>); returns its typed outputs.</summary>
    public async Task<DestinationOutputs> UpAsync(StackConfiguration configuration, CancellationToken cancellationToken = default)
    {
        using var stack = await PrepareAsync(configuration, cancellationToken).ConfigureAwait(false);
        await RunAsync(stack, "up", stack.UpAsync, cancellationToken).ConfigureAwait(false);
        return DestinationOutputs.From(stack.Name, await stack.GetOutputsAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>What an up would change (<c>pulumi preview</c>); creates the stack if needed.</summary>
    public async Task<PreviewOutcome> PreviewAsync(StackConfiguration configuration, CancellationToken cancellationToken = default)
    {
        using var stack = await PrepareAsync(configuration, cancellationToken).ConfigureAwait(false);
        var summary = await RunAsync(stack, "preview", stack.PreviewAsync, cancellationToken).ConfigureAwait(false);
        return new PreviewOutcome(stack.Name, summary);
    }

    /// <summary>Deletes every resource of the stack (<c>pulumi destroy</c>); with <paramref name="remove"/> the stack
    /// itself is removed afterwards (only when the destroy succeeded, so no resource is ever left untracked).</summary>
    public async Task DestroyAsync(string stackName, bool remove = false, CancellationToken cancellationToken = default)
    {
        using (var stack = await OpenAsync(stackName, null, create: false, cancellationToken).ConfigureAwait(false))
        {
            await RunAsync(stack, "destroy", stack.DestroyAsync, cancellationToken).ConfigureAwait(false);
        }
        if (remove) await RemoveAsync(stackName, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes a stack that holds no resources from the backend.</summary>
    public async Task RemoveAsync(string stackName, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await driver.RemoveStackAsync(stackName, cancellationToken).ConfigureAwait(false);
        Report(stackName, DeploymentStage.StackRemoved, "removed");
    }

    /// <summary>The typed outputs of a deployed stack.</summary>
    public async Task<DestinationOutputs> GetOutputsAsync(string stackName, CancellationToken cancellationToken = default)
    {
        using var stack = await OpenAsync(stackName, null, create: false, cancellationToken).ConfigureAwait(false);
        return DestinationOutputs.From(stack.Name, await stack.GetOutputsAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The project's stacks in the backend.</summary>
    public Task<IReadOnlyList<StackInfo>> ListStacksAsync(CancellationToken cancellationToken = default) =>
        driver.ListStacksAsync(cancellationToken);

    private async Task<IDriverStack> PrepareAsync(StackConfiguration configuration, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        DestinationSpec spec;
        try
        {
            spec = Validate(configuration);
        }
        catch (InvalidDestinationConfigException e)
        {
            Report(configuration.Stack, DeploymentStage.Validated, $"{e.Errors.Count} configuration error{(e.Errors.Count == 1 ? "" : "s")}");
            throw;
        }
        Report(configuration.Stack, DeploymentStage.Validated, $"target {DestinationSpecParser.TargetName(spec.Target)}");

        var stack = await OpenAsync(configuration.Stack, configuration, create: true, cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var plugin in ProviderPlugins.For(spec))
            {
                cancellationToken.ThrowIfCancellationRequested();
                Report(stack.Name, DeploymentStage.InstallingPlugin, plugin.ToString());
                await stack.InstallPluginAsync(plugin, cancellationToken).ConfigureAwait(false);
            }
            cancellationToken.ThrowIfCancellationRequested();
            var config = StackConfigMapping.From(configuration);
            await stack.SetAllConfigAsync(config, cancellationToken).ConfigureAwait(false);
            Report(stack.Name, DeploymentStage.Configured,
                $"{config.Count} keys ({config.Count(c => c.Value.IsSecret)} secret): {string.Join(", ", config.Keys.Order(StringComparer.Ordinal))}");
            return stack;
        }
        catch
        {
            stack.Dispose();
            throw;
        }
    }

    private async Task<IDriverStack> OpenAsync(string stackName, StackConfiguration? configuration, bool create, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var stack = await driver.OpenAsync(stackName, configuration, create, cancellationToken).ConfigureAwait(false);
        Report(stack.Name, DeploymentStage.StackOpened, create ? "created or selected" : "selected");
        return stack;
    }

    private async Task<OperationSummary> RunAsync(IDriverStack stack, string operation,
        Func<Action<DeploymentEvent>, CancellationToken, Task<OperationSummary>> run, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Report(stack.Name, DeploymentStage.OperationStarted, operation);
        var summary = await run(e => Progress?.Invoke(this, e), cancellationToken).ConfigureAwait(false);
        Report(stack.Name, DeploymentStage.OperationFinished, $"{operation}: {summary}");
        return summary;
    }

    private void Report(string stack, DeploymentStage stage, string message) =>
        Progress?.Invoke(this, new DeploymentEvent(stack, stage, message));
}
