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
}
