using DestinationKit.Model.Configuration;
using DestinationKit.Model.Spec;

namespace DestinationKit.Streaming.Tests;

/// <summary>Streaming specs built the way the stack builds them: through the parser, from stack configuration.</summary>
internal static class Specs
{
    public const string Project = "destinationkit";
    public const string Stack = "test";

    public static DestinationSpec Streaming(string target = "aws", string tenants = """["acme"]""", params (string Key, string Value)[] extra)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["mode"] = "streaming",
            ["target"] = target,
            ["region"] = target switch { "azure" => "westeurope", "gcp" => "europe-west1", _ => "eu-west-1" },
            ["tenants"] = tenants,
            ["destinationName"] = "Acme Audiences",
            ["identityNamespaces"] = """{"email_lc_sha256": {}}""",
        };
        foreach (var (key, value) in extra) values[key] = value;
        return DestinationSpecParser.Parse(StackConfiguration.From(Project, Stack,
            values.ToDictionary(v => $"{StackConfiguration.Namespace}:{v.Key}", v => v.Value, StringComparer.Ordinal)));
    }

    public const string ThreeTenants = """["acme", {"id": "globex", "name": "Globex Corporation"}, "initech"]""";

    public static readonly (string Key, string Value) OAuth2 = ("auth", "oauth2");
}
