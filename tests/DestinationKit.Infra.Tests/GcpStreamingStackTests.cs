using System.Text.Json;
using DestinationKit.Gcp.Streaming;
using DestinationKit.Model.Aep;
using DestinationKit.Model.Configuration;
using Pulumi;
using Pulumi.Utilities;

namespace DestinationKit.Infra.Tests;

/// <summary>The stack with target <c>gcp</c> (streaming): the endpoint is deployed from the configuration with the
/// prebuilt image of <c>DESTINATIONKIT_APP_IMAGE</c> (no test builds one), and the stack exports the gateway URL, the
/// token URL, the secret credentials and the Destination SDK JSON that points AEP at the gateway.</summary>
public sealed class GcpStreamingStackTests : IDisposable
{
    private const string PrebuiltImage = "europe-west1-docker.pkg.dev/test-project/prebuilt/ingestion:test";

    public GcpStreamingStackTests() => Environment.SetEnvironmentVariable(ContainerImage.OverrideVariable, PrebuiltImage);

    public void Dispose() => Environment.SetEnvironmentVariable(ContainerImage.OverrideVariable, null);

    private static Dictionary<string, string> Config(params (string Key, string Value)[] changes)
    {
        var config = StackRunner.Config(
            ("mode", "streaming"),
            ("target", "gcp"),
            ("region", "europe-west1"),
            ("tenants", """["acme", "globex", "initech"]"""),
            ("identityNamespaces", """{"email_lc_sha256": {}}"""),
            ("destinationName", "Acme Audiences"));
        foreach (var (key, value) in changes) config[$"destination:{key}"] = value;
        return config;
    }

    private static RecordingMocks Mocks() => new(GcpBehaviour.Instance, RandomBehaviour.Instance, TlsBehaviour.Instance);

    private static string GatewayUrl(Dictionary<string, string> config) =>
        $"https://{GcpBehaviour.GatewayHostname(GcpStreamingEndpointArgs.FromSpec(DestinationSpecParser.Parse(
            StackConfiguration.From(StackRunner.Project, StackRunner.Stack, config))).GatewayId)}/";

    [Fact]
    public async Task Api_keys_the_stack_exports_the_gateway_and_the_aep_json_pointing_at_it()
    {
        var config = Config();

        var resources = await StackRunner.RunAsync(Mocks(), config);

        var stack = Assert.Single(resources.OfType<DestinationStack>());
        Assert.Equal("gcp", await OutputUtilities.GetValueAsync(stack.Target));
        var endpoint = await OutputUtilities.GetValueAsync(stack.Endpoint);
        Assert.Equal(GatewayUrl(config), endpoint);
        Assert.Null(await OutputUtilities.GetValueAsync(stack.TokenUrl));
        Assert.Null(await OutputUtilities.GetValueAsync(stack.Bucket));

        var spec = DestinationSpecParser.Parse(StackConfiguration.From(StackRunner.Project, StackRunner.Stack, config));
        Assert.Equal(AepConfigurationBuilder.Build(spec, new DeploymentFacts { EndpointUrl = new Uri(endpoint!) }).ToJson(),
            await OutputUtilities.GetValueAsync(stack.AepConfiguration));
        var aep = JsonDocument.Parse(await OutputUtilities.GetValueAsync(stack.AepConfiguration)).RootElement;
        Assert.Equal($"{endpoint}v1/profiles", aep.GetProperty("destinationServer").GetProperty("urlBasedDestination").GetProperty("url").GetProperty("value").GetString());
        Assert.Equal("BEARER", aep.GetProperty("destinationConfiguration").GetProperty("customerAuthenticationConfigurations")[0].GetProperty("authType").GetString());

        Assert.True(await Output.IsSecretAsync(stack.Credentials));
        var credentials = JsonDocument.Parse((await OutputUtilities.GetValueAsync(stack.Credentials))!).RootElement;
        Assert.Equal(["acme", "globex", "initech"], credentials.EnumerateObject().Select(t => t.Name));
        Assert.All(credentials.EnumerateObject(), t => Assert.StartsWith("dkp_", t.Value.GetProperty("apiKey").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Oauth2_the_stack_exports_the_gateways_token_url_and_each_tenants_client()
    {
        var config = Config(("auth", "oauth2"), ("oauth2", """{"clientAuthentication": "basic"}"""));

        var resources = await StackRunner.RunAsync(Mocks(), config);

        var stack = Assert.Single(resources.OfType<DestinationStack>());
        var endpoint = GatewayUrl(config);
        Assert.Equal(endpoint, await OutputUtilities.GetValueAsync(stack.Endpoint));
        Assert.Equal($"{endpoint}oauth2/token", await OutputUtilities.GetValueAsync(stack.TokenUrl));
        var auth = JsonDocument.Parse(await OutputUtilities.GetValueAsync(stack.AepConfiguration)).RootElement
            .GetProperty("destinationConfiguration").GetProperty("customerAuthenticationConfigurations")[0];
        Assert.Equal(("OAUTH2", $"{endpoint}oauth2/token", true),
            (auth.GetProperty("authType").GetString(), auth.GetProperty("accessTokenUrl").GetString(), auth.GetProperty("options").GetProperty("useBasicAuth").GetBoolean()));

        Assert.True(await Output.IsSecretAsync(stack.Credentials));
        var credentials = JsonDocument.Parse((await OutputUtilities.GetValueAsync(stack.Credentials))!).RootElement;
        foreach (var tenant in credentials.EnumerateObject())
        {
            Assert.Equal($"{tenant.Name}-aep", tenant.Value.GetProperty("clientId").GetString());
            Assert.Equal($"{endpoint}oauth2/token", tenant.Value.GetProperty("tokenUrl").GetString());
            Assert.False(string.IsNullOrEmpty(tenant.Value.GetProperty("clientSecret").GetString()));
        }
    }

    [Fact]
    public async Task A_configuration_error_stops_the_run_before_any_resource()
    {
        var mocks = Mocks();

        var error = await Assert.ThrowsAsync<RunException>(() => StackRunner.RunAsync(mocks, Config(("region", "europe-west1-b"), ("auth", "oauth2"),
            ("oauth2", """{"issuer": "cognito"}"""))));

        Assert.Empty(mocks.Created);
        Assert.StartsWith("The destination configuration has 2 errors:", error.Message, StringComparison.Ordinal);
        Assert.Contains("destination:region: got \"europe-west1-b\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("got \"cognito\", which exists only on target aws", error.Message, StringComparison.Ordinal);
    }
}
