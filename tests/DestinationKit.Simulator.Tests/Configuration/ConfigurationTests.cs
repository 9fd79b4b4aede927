using System.Reflection;
using System.Text.Json.Nodes;
using DestinationKit.Simulator.Configuration;

namespace DestinationKit.Simulator.Tests.Configuration;

public class ConfigurationTests
{
    private static string RepositoryRoot => typeof(ConfigurationTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    [Fact]
    public void A_stack_file_is_built_through_the_model_with_the_endpoint()
    {
        var destination = AepConfigLoader.FromStackFile(Path.Combine(RepositoryRoot, "Pulumi.dev.yaml"), new Uri("http://127.0.0.1:5080/"));

        Assert.True(destination.IsStreaming);
        Assert.Equal("http://127.0.0.1:5080/v1/profiles", destination.Url);
        Assert.Equal(StreamingAuthType.Bearer, destination.Auth.Type);
        Assert.Equal(["email_lc_sha256", "acme_id"], destination.IdentityNamespaces);
        Assert.Equal(["firstName", "loyaltyTier"], destination.ProfileFields);
        Assert.Equal((AggregationKind.BestEffort, 100), (destination.Aggregation.Kind, destination.Aggregation.MaxUsersPerRequest));
        Assert.Equal("http://127.0.0.1:5080/v1/audiences", (string?)destination.AudienceTemplate!["create"]!["url"]);
        Assert.Contains("input.profiles", destination.RequestTemplate, StringComparison.Ordinal);
    }

    [Fact]
    public void A_streaming_stack_file_without_an_endpoint_is_refused()
    {
        var e = Assert.Throws<InvalidDataException>(() => AepConfigLoader.FromStackFile(Path.Combine(RepositoryRoot, "Pulumi.dev.yaml"), null));
        Assert.Contains("--endpoint", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_oauth2_settings_are_read_from_the_destination_configuration()
    {
        var destination = Destinations.Streaming(new Uri("https://ingest.example.test/"),
            ("auth", "oauth2"), ("oauth2", """{"issuer": "app", "clientAuthentication": "basic", "scopes": ["profiles.write"]}"""));

        Assert.Equal(StreamingAuthType.OAuth2ClientCredentials, destination.Auth.Type);
        Assert.Equal("https://ingest.example.test/oauth2/token", destination.Auth.AccessTokenUrl);
        Assert.Equal("{{authData.clientId}}", destination.Auth.ClientId);
        Assert.True(destination.Auth.UseBasicAuth);
        Assert.Equal(["profiles.write"], destination.Auth.Scopes);
        Assert.Equal("Bearer {{oauth2ServiceAccessToken}}", (string?)destination.AudienceTemplate!["create"]!["headers"]![1]!["value"]);
    }

    [Fact]
    public void A_batch_configuration_is_not_a_streaming_destination()
    {
        var text = """{"destinationServer": {"destinationServerType": "FILE_BASED_S3"}, "destinationConfiguration": {"name": "Acme"}}""";
        Assert.False(AepConfigLoader.FromJsonText(text).IsStreaming);
        Assert.Throws<InvalidDataException>(() => AepConfigLoader.FromJsonText("""{"destinationConfiguration": {}}"""));
    }

    [Fact]
    public void Credentials_keyed_by_tenant_need_the_tenant()
    {
        const string file = """{"acme": {"apiKey": "k1", "customerData": {"region": "eu"}}, "globex": {"clientId": "c", "clientSecret": "s"}}""";
        var acme = SimulatorCredentials.FromJson(file, "acme");
        Assert.Equal("k1", acme.ApiKey);
        Assert.Equal("eu", acme.CustomerData["region"]);
        Assert.Equal("acme", acme.CustomerData["tenantId"]);
        Assert.Equal(("c", "s"), (SimulatorCredentials.FromJson(file, "globex").ClientId, SimulatorCredentials.FromJson(file, "globex").ClientSecret));
        Assert.Contains("--tenant", Assert.Throws<InvalidDataException>(() => SimulatorCredentials.FromJson(file, null)).Message, StringComparison.Ordinal);
        Assert.Contains("initech", Assert.Throws<InvalidDataException>(() => SimulatorCredentials.FromJson(file, "initech")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Macros_substitute_values_into_the_json_tree_so_quotes_stay_data()
    {
        var context = new JsonObject
        {
            ["segment"] = new JsonObject { ["name"] = "Say \"hi\" \\ bye\n", ["id"] = "s-1" },
            ["customerData"] = new JsonObject { ["tenantId"] = "acme" },
        };
        var missing = new List<string>();
        var body = Macros.ResolveNode(JsonNode.Parse("""{"name": "{{segment.name}}", "url": "/t/{{ customerData.tenantId }}/{{segment.id}}", "x": "{{segment.nope}}"}"""),
            context, missing)!;

        Assert.Equal("Say \"hi\" \\ bye\n", (string?)JsonNode.Parse(body.ToJsonString())!["name"]);
        Assert.Equal("/t/acme/s-1", (string?)body["url"]);
        Assert.Equal(["segment.nope"], missing);
        Assert.Equal("v", Macros.Resolve("{{headers.x-id}}", new JsonObject { ["headers"] = new JsonObject { ["X-Id"] = "v" } }));
    }
}
