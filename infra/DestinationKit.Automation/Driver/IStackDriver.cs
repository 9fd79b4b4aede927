using DestinationKit.Model.Configuration;

namespace DestinationKit.Automation.Driver;

/// <summary>The few Pulumi Automation API operations the orchestration needs, behind an interface of our own so that
/// the orchestration (ordering, teardown, sweeping) is tested without a Pulumi CLI. <see cref="PulumiStackDriver"/>
/// is the real implementation.</summary>
public interface IStackDriver
{
    /// <summary>Opens a stack of the project. With <paramref name="create"/> it is created when missing (and
    /// <paramref name="program"/> is the configuration the inline program runs with); otherwise it must exist
    /// (a missing stack throws <see cref="StackMissingException"/>).</summary>
    Task<IDriverStack> OpenAsync(string stackName, StackConfiguration? program, bool create, CancellationToken cancellationToken);

    Task<IReadOnlyList<StackInfo>> ListStacksAsync(CancellationToken cancellationToken);

    /// <summary>Removes the stack and its configuration (it must hold no resources).</summary>
    Task RemoveStackAsync(string stackName, CancellationToken cancellationToken);
}

/// <summary>One opened stack.</summary>
public interface IDriverStack : IDisposable
{
    string Name { get; }

    Task InstallPluginAsync(ProviderPlugin plugin, CancellationToken cancellationToken);

    Task SetAllConfigAsync(IReadOnlyDictionary<string, StackConfigValue> config, CancellationToken cancellationToken);

    Task<OperationSummary> UpAsync(Action<DeploymentEvent> onEvent, CancellationToken cancellationToken);

    Task<OperationSummary> PreviewAsync(Action<DeploymentEvent> onEvent, CancellationToken cancellationToken);

    Task<OperationSummary> DestroyAsync(Action<DeploymentEvent> onEvent, CancellationToken cancellationToken);

    Task<IReadOnlyDictionary<string, StackOutputValue>> GetOutputsAsync(CancellationToken cancellationToken);
}

/// <summary>A stack configuration value as the Automation API sets it.</summary>
public sealed record StackConfigValue(string Value, bool IsSecret)
{
    public override string ToString() => IsSecret ? "[secret]" : Value;
}

/// <summary>A stack output as the Automation API reads it (<c>Value</c> is a string, number, bool, list or map).</summary>
public sealed record StackOutputValue(object? Value, bool IsSecret)
{
    public override string ToString() => IsSecret ? "[secret]" : Value?.ToString() ?? "null";
}

/// <summary>A stack of the project, as listed by the backend.</summary>
public sealed record StackInfo(string Name, DateTimeOffset? LastUpdate, bool IsUpdateInProgress);

/// <summary>What an operation changed: operation name (create, update, delete, same, ...) → number of resources.</summary>
public sealed record OperationSummary(IReadOnlyDictionary<string, int> ResourceChanges)
{
    public static OperationSummary Empty { get; } = new(new Dictionary<string, int>());

    public override string ToString() => ResourceChanges.Count == 0
        ? "no changes"
        : string.Join(", ", ResourceChanges.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Value} {c.Key}"));
}

/// <summary>The stack does not exist in the backend.</summary>
public sealed class StackMissingException(string stackName, Exception? inner = null)
    : Exception($"stack {stackName} does not exist in this backend", inner)
{
    public string StackName { get; } = stackName;
}
