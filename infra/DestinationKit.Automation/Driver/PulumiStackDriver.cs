using System.Collections.Immutable;
using DestinationKit.Infra;
using DestinationKit.Model.Configuration;
using Pulumi.Automation;
using Pulumi.Automation.Commands.Exceptions;
using Pulumi.Automation.Events;

namespace DestinationKit.Automation.Driver;

/// <summary>Where and how the real driver runs Pulumi.</summary>
public sealed record PulumiDriverOptions
{
    /// <summary>The Pulumi project name; the template's is <c>destinationkit</c> (Pulumi.yaml).</summary>
    public string ProjectName { get; init; } = "destinationkit";

    /// <summary>The state backend (<c>file://~</c>, <c>s3://bucket</c>, ...); null: PULUMI_BACKEND_URL or the
    /// logged-in backend.</summary>
    public string? BackendUrl { get; init; }

    /// <summary>Extra environment variables for the Pulumi CLI (e.g. PULUMI_CONFIG_PASSPHRASE).</summary>
    public IReadOnlyDictionary<string, string> EnvironmentVariables { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>The driver on the Pulumi Automation API: <see cref="LocalWorkspace"/> with <see cref="DestinationStack"/>
/// as the inline program (built from the configuration it is given: the hybrid pattern). Needs the Pulumi CLI.</summary>
public sealed class PulumiStackDriver(PulumiDriverOptions? options = null) : IStackDriver
{
    private readonly PulumiDriverOptions _options = options ?? new PulumiDriverOptions();

    public async Task<IDriverStack> OpenAsync(string stackName, StackConfiguration? program, bool create, CancellationToken cancellationToken)
    {
        var args = new InlineProgramArgs(_options.ProjectName, stackName, Program(program));
        Configure(args);
        try
        {
            var stack = await WithCli(() => create
                ? LocalWorkspace.CreateOrSelectStackAsync(args, cancellationToken)
                : LocalWorkspace.SelectStackAsync(args, cancellationToken)).ConfigureAwait(false);
            return new PulumiDriverStack(stack);
        }
        catch (StackNotFoundException e)
        {
            throw new StackMissingException(stackName, e);
        }
    }

    public async Task<IReadOnlyList<StackInfo>> ListStacksAsync(CancellationToken cancellationToken)
    {
        using var workspace = await CreateWorkspaceAsync(cancellationToken).ConfigureAwait(false);
        var stacks = await workspace.ListStacksAsync(cancellationToken).ConfigureAwait(false);
        return stacks.Select(s => new StackInfo(s.Name, s.LastUpdate, s.IsUpdateInProgress)).ToList();
    }

    public async Task RemoveStackAsync(string stackName, CancellationToken cancellationToken)
    {
        using var workspace = await CreateWorkspaceAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await workspace.RemoveStackAsync(stackName, cancellationToken).ConfigureAwait(false);
        }
        catch (StackNotFoundException e)
        {
            throw new StackMissingException(stackName, e);
        }
    }

    private async Task<LocalWorkspace> CreateWorkspaceAsync(CancellationToken cancellationToken)
    {
        var workspaceOptions = new LocalWorkspaceOptions { ProjectSettings = new ProjectSettings(_options.ProjectName, ProjectRuntimeName.Dotnet) };
        Configure(workspaceOptions);
        return await WithCli(() => LocalWorkspace.CreateAsync(workspaceOptions, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>The Automation API starts the <c>pulumi</c> executable; without it, say so in one line.</summary>
    private static async Task<T> WithCli<T>(Func<Task<T>> run)
    {
        try
        {
            return await run().ConfigureAwait(false);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("the Pulumi CLI (`pulumi`) could not be started: install it and put it on PATH (see docs/automation.md)", e);
        }
    }

    private void Configure(LocalWorkspaceOptions workspaceOptions)
    {
        if (_options.BackendUrl is { } url && workspaceOptions.ProjectSettings is { } settings)
            settings.Backend = new ProjectBackend { Url = url };
        if (_options.EnvironmentVariables.Count > 0)
            workspaceOptions.EnvironmentVariables = _options.EnvironmentVariables.ToDictionary(e => e.Key, e => (string?)e.Value, StringComparer.Ordinal);
    }

    /// <summary>The inline program: DestinationStack built from the configuration (destroy and outputs run no program).</summary>
    private static PulumiFn Program(StackConfiguration? configuration)
    {
        if (configuration is null)
        {
            Action none = static () => throw new InvalidOperationException("this stack was opened without a configuration; up and preview need one");
            return PulumiFn.Create(none);
        }
        return PulumiFn.Create(new StackFactory(configuration), typeof(DestinationStack));
    }

    /// <summary>Hands the inline program a DestinationStack built from the configuration the library validated.</summary>
    private sealed class StackFactory(StackConfiguration configuration) : IServiceProvider
    {
        public object? GetService(Type serviceType) =>
            serviceType == typeof(DestinationStack) ? new DestinationStack(configuration) : null;
    }
}

/// <summary>One <see cref="WorkspaceStack"/>; engine events become <see cref="DeploymentEvent"/>s.</summary>
internal sealed class PulumiDriverStack(WorkspaceStack stack) : IDriverStack
{
    public string Name => stack.Name;

    public Task InstallPluginAsync(ProviderPlugin plugin, CancellationToken cancellationToken) =>
        stack.Workspace.InstallPluginAsync(plugin.Name, plugin.Version, PluginKind.Resource, cancellationToken);

    public Task SetAllConfigAsync(IReadOnlyDictionary<string, StackConfigValue> config, CancellationToken cancellationToken) =>
        stack.SetAllConfigAsync(config.ToDictionary(c => c.Key, c => new ConfigValue(c.Value.Value, c.Value.IsSecret), StringComparer.Ordinal), cancellationToken);

    public async Task<OperationSummary> UpAsync(Action<DeploymentEvent> onEvent, CancellationToken cancellationToken)
    {
        var result = await stack.UpAsync(new UpOptions { OnEvent = e => Forward(e, onEvent) }, cancellationToken).ConfigureAwait(false);
        return Summary(result.Summary.ResourceChanges);
    }

    public async Task<OperationSummary> PreviewAsync(Action<DeploymentEvent> onEvent, CancellationToken cancellationToken)
    {
        var result = await stack.PreviewAsync(new PreviewOptions { OnEvent = e => Forward(e, onEvent) }, cancellationToken).ConfigureAwait(false);
        return Summary(result.ChangeSummary);
    }

    public async Task<OperationSummary> DestroyAsync(Action<DeploymentEvent> onEvent, CancellationToken cancellationToken)
    {
        var result = await stack.DestroyAsync(new DestroyOptions { OnEvent = e => Forward(e, onEvent) }, cancellationToken).ConfigureAwait(false);
        return Summary(result.Summary.ResourceChanges);
    }

    public async Task<IReadOnlyDictionary<string, StackOutputValue>> GetOutputsAsync(CancellationToken cancellationToken)
    {
        var outputs = await stack.GetOutputsAsync(cancellationToken).ConfigureAwait(false);
        return outputs.ToDictionary(o => o.Key, o => new StackOutputValue(o.Value.Value, o.Value.IsSecret), StringComparer.Ordinal);
    }

    public void Dispose() => stack.Dispose();

    private void Forward(EngineEvent e, Action<DeploymentEvent> onEvent)
    {
        if (e.ResourcePreEvent is { } pre)
            onEvent(new DeploymentEvent(Name, DeploymentStage.Resource, $"{pre.Metadata.Op.ToString().ToLowerInvariant()} {pre.Metadata.Type} {pre.Metadata.Urn}"));
        else if (e.ResourceOutputsEvent is { } done)
            onEvent(new DeploymentEvent(Name, DeploymentStage.ResourceDone, $"{done.Metadata.Op.ToString().ToLowerInvariant()} {done.Metadata.Type} {done.Metadata.Urn}"));
        else if (e.ResourceOperationFailedEvent is { } failed)
            onEvent(new DeploymentEvent(Name, DeploymentStage.ResourceDone, $"failed {failed.Metadata.Op.ToString().ToLowerInvariant()} {failed.Metadata.Type} {failed.Metadata.Urn}"));
        else if (e.DiagnosticEvent is { } diagnostic && diagnostic.Severity is "error" or "warning")
            onEvent(new DeploymentEvent(Name, DeploymentStage.Diagnostic, $"{diagnostic.Severity}: {diagnostic.Message.TrimEnd()}"));
        else if (e.StandardOutputEvent is { } output && !string.IsNullOrWhiteSpace(output.Message))
            onEvent(new DeploymentEvent(Name, DeploymentStage.Output, output.Message.TrimEnd()));
    }

    private static OperationSummary Summary(IImmutableDictionary<OperationType, int>? changes) =>
        new(changes?.ToDictionary(c => c.Key.ToString().ToLowerInvariant(), c => c.Value, StringComparer.Ordinal) ?? []);
}
