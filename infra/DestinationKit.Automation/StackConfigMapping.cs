using DestinationKit.Automation.Driver;
using DestinationKit.Model.Configuration;

namespace DestinationKit.Automation;

/// <summary>The stack configuration written for a destination: every key of the configuration under its full name
/// (<c>destination:mode</c>, and provider keys such as <c>gcp:project</c> as given), as a secret when the caller
/// marked it secret or when the key holds a secret by definition (<see cref="ConfigKey.IsSecret"/>), so nothing
/// secret is ever stored in plain text.</summary>
public static class StackConfigMapping
{
    public static IReadOnlyDictionary<string, StackConfigValue> From(StackConfiguration configuration)
    {
        var secretByDefinition = ConfigKeys.All.Where(k => k.IsSecret).Select(k => k.FullName).ToHashSet(StringComparer.Ordinal);
        return configuration.Values.ToDictionary(
            pair => pair.Key,
            pair => new StackConfigValue(pair.Value, configuration.SecretKeys.Contains(pair.Key) || secretByDefinition.Contains(pair.Key)),
            StringComparer.Ordinal);
    }
}
