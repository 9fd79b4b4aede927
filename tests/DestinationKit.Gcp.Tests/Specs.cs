using DestinationKit.Model.Configuration;
using DestinationKit.Model.Spec;

namespace DestinationKit.Gcp.Tests;

/// <summary>gcp-gcs and gcp (streaming) specs built the way the stack builds them: through the parser, from stack configuration.</summary>
internal static class Specs
{
    public const string Project = "destinationkit";
    public const string Stack = "test";
    public const string KeyId = "projects/key-project/locations/europe-west1/keyRings/landing/cryptoKeys/exports";

    public static DestinationSpec Gcs(string tenants = """["acme"]""", string stack = Stack, params (string Key, string Value)[] extra) =>
        Parse(stack, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["mode"] = "batch",
            ["target"] = "gcp-gcs",
            ["region"] = "europe-west1",
            ["tenants"] = tenants,
            ["destinationName"] = "Acme Audiences",
        }, extra);

    public const string ThreeTenantList = """["acme", {"id": "globex", "name": "Globex Corporation"}, "initech"]""";

    public static DestinationSpec ThreeTenants(params (string Key, string Value)[] extra) => Gcs(ThreeTenantList, Stack, extra);

    public static readonly (string, string) OAuth2 = ("auth", "oauth2");

    public static readonly (string, string)[] ExternalIssuer =
    [
        OAuth2,
        ("oauth2", """
            {"issuer": "external", "issuerUrl": "https://login.example.test/tenant/v2.0", "jwksUri": "https://login.example.test/tenant/keys",
             "tokenUrl": "https://login.example.test/tenant/oauth2/token", "audience": "api://acme-ingestion"}
            """),
    ];

    /// <summary>Target gcp (streaming), API keys unless <paramref name="extra"/> says otherwise.</summary>
    public static DestinationSpec Streaming(string tenants = """["acme"]""", string stack = Stack, params (string Key, string Value)[] extra) =>
        Parse(stack, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["mode"] = "streaming",
            ["target"] = "gcp",
            ["region"] = "europe-west1",
            ["tenants"] = tenants,
            ["destinationName"] = "Acme Audiences",
            ["identityNamespaces"] = """{"email_lc_sha256": {}}""",
        }, extra);

    private static DestinationSpec Parse(string stack, Dictionary<string, string> values, (string Key, string Value)[] extra)
    {
        foreach (var (key, value) in extra) values[key] = value;
        return DestinationSpecParser.Parse(StackConfiguration.From(Project, stack,
            values.ToDictionary(v => $"{StackConfiguration.Namespace}:{v.Key}", v => v.Value, StringComparer.Ordinal)));
    }
}
