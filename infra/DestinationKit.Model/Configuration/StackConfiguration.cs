namespace DestinationKit.Model.Configuration;

/// <summary>The configuration exactly as Pulumi delivers it: a flat map of <c>namespace:key</c> to string
/// (objects and lists as JSON text), the set of keys stored as secrets, and the project and stack names
/// that generated names are derived from.</summary>
public sealed record StackConfiguration(
    string Project,
    string Stack,
    IReadOnlyDictionary<string, string> Values,
    IReadOnlySet<string> SecretKeys)
{
    public const string Namespace = "destination";

    public static StackConfiguration From(string project, string stack, IReadOnlyDictionary<string, string> values,
        IEnumerable<string>? secretKeys = null) =>
        new(project, stack, values, new HashSet<string>(secretKeys ?? [], StringComparer.Ordinal));
}
