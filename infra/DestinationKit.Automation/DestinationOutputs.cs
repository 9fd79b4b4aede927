using System.Collections.Immutable;
using System.Text.Json;
using DestinationKit.Automation.Driver;

namespace DestinationKit.Automation;

/// <summary>One tenant's credentials as the stack exported them (what its AEP customer enters in the destination's
/// connection form). Field name → value; <see cref="ToString"/> shows field names only.</summary>
public sealed record TenantCredentials(string TenantId, IReadOnlyDictionary<string, string> Fields)
{
    public override string ToString() => $"{TenantId}: {string.Join(", ", Fields.Keys)} [secret]";
}

/// <summary>The typed outputs of a destination stack (DestinationStack's <c>[Output]</c> properties).</summary>
public sealed record DestinationOutputs
{
    public const string TargetKey = "target";
    public const string AepConfigurationKey = "aepConfiguration";
    public const string EndpointKey = "endpoint";
    public const string BucketKey = "bucket";
    public const string CredentialsKey = "credentials";
    public const string IngestionSourcesKey = "ingestionSources";

    public required string StackName { get; init; }

    public required string Target { get; init; }

    /// <summary>The Destination SDK objects to submit to Adobe (docs/aep-configuration.md), as JSON text.</summary>
    public required string AepConfigurationJson { get; init; }

    /// <summary>Streaming: the public endpoint AEP calls; null for batch targets.</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>Batch on object storage: the landing bucket.</summary>
    public string? Bucket { get; init; }

    /// <summary>Tenant id → the credentials of that tenant (empty when the target has none).</summary>
    public IReadOnlyDictionary<string, TenantCredentials> Credentials { get; init; } = ImmutableDictionary<string, TenantCredentials>.Empty;

    /// <summary>Every output as exported, for anything not typed above.</summary>
    public IReadOnlyDictionary<string, StackOutputValue> Raw { get; init; } = ImmutableDictionary<string, StackOutputValue>.Empty;

    /// <summary>Reads the outputs of a stack; a stack without <c>target</c> or <c>aepConfiguration</c> was not
    /// deployed by this template (or not deployed yet).</summary>
    public static DestinationOutputs From(string stackName, IReadOnlyDictionary<string, StackOutputValue> outputs)
    {
        var target = Text(outputs, TargetKey);
        var aep = Text(outputs, AepConfigurationKey);
        if (target is null || aep is null)
        {
            throw new InvalidOperationException(
                $"stack {stackName} has no {(target is null ? TargetKey : AepConfigurationKey)} output: it is not deployed, or not a DestinationKit stack");
        }
        var endpoint = Text(outputs, EndpointKey);
        return new DestinationOutputs
        {
            StackName = stackName,
            Target = target,
            AepConfigurationJson = aep,
            Endpoint = endpoint is null ? null : new Uri(endpoint, UriKind.Absolute),
            Bucket = Text(outputs, BucketKey),
            Credentials = ParseCredentials(stackName, Text(outputs, CredentialsKey)),
            Raw = outputs,
        };
    }

    private static string? Text(IReadOnlyDictionary<string, StackOutputValue> outputs, string key) =>
        outputs.TryGetValue(key, out var output) ? output.Value switch
        {
            null => null,
            string s => s,
            JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
            var other => other.ToString(),
        } : null;

    private static ImmutableSortedDictionary<string, TenantCredentials> ParseCredentials(string stackName, string? json)
    {
        if (json is null) return ImmutableSortedDictionary<string, TenantCredentials>.Empty.WithComparers(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.EnumerateObject().ToImmutableSortedDictionary(
                tenant => tenant.Name,
                tenant => new TenantCredentials(tenant.Name, tenant.Value.EnumerateObject().ToImmutableSortedDictionary(
                    field => field.Name,
                    field => field.Value.ValueKind == JsonValueKind.String ? field.Value.GetString()! : field.Value.GetRawText(),
                    StringComparer.Ordinal)),
                StringComparer.Ordinal);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // The text is secret: say what is wrong with its shape, never what it holds.
            throw new InvalidOperationException($"stack {stackName}: the {CredentialsKey} output is not a JSON object of tenant id → object of fields");
        }
    }
}
