using DestinationKit.Model.Configuration;
using DestinationKit.Model.Spec;

namespace DestinationKit.Azure.Tests;

/// <summary>Azure batch specs built the way the stack builds them: through the parser, from stack configuration.</summary>
internal static class Specs
{
    public const string Project = "destinationkit";
    public const string Stack = "test";
    public const string Region = "westeurope";

    public const string ThreeTenants = """["acme", {"id": "globex-corp", "name": "Globex Corporation"}, "initech"]""";

    /// <summary>Service principals of the ADLS tenants: object id ...0a1, client id ...0c1 for the first, and so on.</summary>
    public static Guid ObjectId(int tenant) => Guid.Parse($"10000000-0000-4000-8000-0000000000a{tenant}");

    public static Guid ClientId(int tenant) => Guid.Parse($"10000000-0000-4000-8000-0000000000c{tenant}");

    public const string ThreeAdlsTenants = """
        [
          {"id": "acme", "servicePrincipalObjectId": "10000000-0000-4000-8000-0000000000a1", "servicePrincipalClientId": "10000000-0000-4000-8000-0000000000c1"},
          {"id": "globex-corp", "name": "Globex Corporation", "servicePrincipalObjectId": "10000000-0000-4000-8000-0000000000a2", "servicePrincipalClientId": "10000000-0000-4000-8000-0000000000c2"},
          {"id": "initech", "servicePrincipalObjectId": "10000000-0000-4000-8000-0000000000a3", "servicePrincipalClientId": "10000000-0000-4000-8000-0000000000c3"}
        ]
        """;

    public const string OneAdlsTenant = """
        [{"id": "acme", "servicePrincipalObjectId": "10000000-0000-4000-8000-0000000000a1", "servicePrincipalClientId": "10000000-0000-4000-8000-0000000000c1"}]
        """;

    public static DestinationSpec Blob(string tenants = """["acme"]""", params (string Key, string Value)[] extra) =>
        Parse("azure-blob", tenants, extra);

    public static DestinationSpec Adls(string tenants = OneAdlsTenant, params (string Key, string Value)[] extra) =>
        Parse("azure-adls", tenants, extra);

    public static DestinationSpec Sftp(string tenants = """["acme"]""", params (string Key, string Value)[] extra) =>
        Parse("sftp", tenants, [("cloud", "azure"), .. extra]);

    public static DestinationSpec Parse(string target, string tenants, params (string Key, string Value)[] extra)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["mode"] = "batch",
            ["target"] = target,
            ["region"] = Region,
            ["tenants"] = tenants,
            ["destinationName"] = "Acme Audiences",
        };
        foreach (var (key, value) in extra) values[key] = value;
        return DestinationSpecParser.Parse(StackConfiguration.From(Project, Stack,
            values.ToDictionary(v => $"{StackConfiguration.Namespace}:{v.Key}", v => v.Value, StringComparer.Ordinal)));
    }
}
