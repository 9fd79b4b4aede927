using DestinationKit.Model.Aep;
using DestinationKit.Model.Configuration;
using DestinationKit.Simulator.Configuration;

namespace DestinationKit.Simulator.Tests;

/// <summary>Destinations as the model builds their AEP configuration, pointed at a local endpoint.</summary>
internal static class Destinations
{
    /// <summary>A streaming destination (short key names as in Pulumi.&lt;stack&gt;.yaml); <paramref name="changes"/> override keys.</summary>
    public static AepDestination Streaming(Uri endpoint, params (string Key, string Value)[] changes)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["mode"] = "streaming",
            ["target"] = "aws",
            ["region"] = "eu-west-1",
            ["tenants"] = """["acme"]""",
            ["destinationName"] = "Acme Audiences",
            ["identityNamespaces"] = """{"email_lc_sha256": {}, "acme_id": {}}""",
            ["profileFields"] = """[{"name": "firstName", "title": "First name"}, {"name": "city", "title": "City"}]""",
        };
        foreach (var (k, v) in changes) values[k] = v;
        var spec = DestinationSpecParser.Parse(StackConfiguration.From("destinationkit", "test",
            values.ToDictionary(p => "destination:" + p.Key, p => p.Value, StringComparer.Ordinal)));
        return AepConfigLoader.FromJsonText(AepConfigurationBuilder.Build(spec, new DeploymentFacts { EndpointUrl = endpoint }).ToJson());
    }

    /// <summary>The AEP configuration (JSON text) of a batch destination of <paramref name="target"/> (<c>sftp-azure</c>,
    /// <c>sftp-aws</c> for SFTP) whose only tenant is <paramref name="tenant"/>, in a stack of its own name, so its
    /// bucket or account name is its own too.</summary>
    public static string BatchJson(string target, string tenant, params (string Key, string Value)[] changes)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["mode"] = "batch",
            ["target"] = target.StartsWith("sftp", StringComparison.Ordinal) ? "sftp" : target,
            ["tenants"] = target == "azure-adls"
                ? $$"""[{"id": "{{tenant}}", "servicePrincipalObjectId": "11111111-2222-3333-4444-555555555555", "servicePrincipalClientId": "66666666-7777-8888-9999-aaaaaaaaaaaa"}]"""
                : $"""["{tenant}"]""",
            ["destinationName"] = "Acme",
            ["identityNamespaces"] = """{"email": {}, "crm_id": {}}""",
            ["profileFields"] = """[{"name": "firstName", "title": "First name"}, {"name": "city", "title": "City"}]""",
        };
        if (target != "dlz") values["region"] = target switch { "gcp-gcs" => "europe-west1", "azure-blob" or "azure-adls" or "sftp-azure" => "westeurope", _ => "eu-west-1" };
        if (target.StartsWith("sftp-", StringComparison.Ordinal)) values["cloud"] = target["sftp-".Length..];
        foreach (var (k, v) in changes) values[k] = v;
        var spec = DestinationSpecParser.Parse(StackConfiguration.From("destinationkit", tenant,
            values.ToDictionary(p => "destination:" + p.Key, p => p.Value, StringComparer.Ordinal)));
        return AepConfigurationBuilder.Build(spec, new DeploymentFacts { SftpHost = "s-0123456789abcdef0.server.transfer.eu-west-1.amazonaws.com" }).ToJson();
    }
}
