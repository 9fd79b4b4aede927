using DestinationKit.Model.Configuration;
using DestinationKit.Model.Spec;

namespace DestinationKit.Gcp.Tests;

/// <summary>gcp-gcs specs built the way the stack builds them: through the parser, from stack configuration.</summary>
internal static class Specs
{
    public const string Project = "destinationkit";
    public const string Stack = "test";
    public const string KeyId = "projects/key-project/locations/europe-west1/keyRings/landing/cryptoKeys/exports";

    public static DestinationSpec Gcs(string tenants = """["acme"]""", string stack = Stack, params (string Key, string Value)[] extra)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["mode"] = "batch",
            ["target"] = "gcp-gcs",
            ["region"] = "europe-west1",
            ["tenants"] = tenants,
            ["destinationName"] = "Acme Audiences",
        };
        foreach (var (key, value) in extra) values[key] = value;
        return DestinationSpecParser.Parse(StackConfiguration.From(Project, stack,
            values.ToDictionary(v => $"{StackConfiguration.Namespace}:{v.Key}", v => v.Value, StringComparer.Ordinal)));
    }

    public static DestinationSpec ThreeTenants(params (string Key, string Value)[] extra) =>
        Gcs("""["acme", {"id": "globex", "name": "Globex Corporation"}, "initech"]""", Stack, extra);
}
