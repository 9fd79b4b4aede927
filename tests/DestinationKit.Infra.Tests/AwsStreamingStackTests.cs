using System.Text.Json;
using DestinationKit.Aws.Streaming;
using DestinationKit.Model.Aep;
using DestinationKit.Model.Configuration;
using DestinationKit.Model.Naming;
using DestinationKit.Streaming;
using Pulumi;
using Pulumi.Utilities;

namespace DestinationKit.Infra.Tests;

/// <summary>The stack with target <c>aws</c> (streaming): the endpoint is deployed from the configuration with the
/// prebuilt app of <c>DESTINATIONKIT_APP_PACKAGE</c>, and the stack exports the API's URL, the token URL, the secret
/// credentials and the Destination SDK JSON that points AEP at the API.</summary>
public sealed class AwsStreamingStackTests : IDisposable
{
    private readonly string _app = Path.Combine(Path.GetTempPath(), "dk-aws-stack-tests", Guid.NewGuid().ToString("N"));

    public AwsStreamingStackTests()
    {
        Directory.CreateDirectory(_app);
        File.WriteAllText(Path.Combine(_app, LambdaPackage.AppHost), "stand-in");
        Environment.SetEnvironmentVariable(AppPackage.OverrideVariable, _app);
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(AppPackage.OverrideVariable, null);
        Directory.Delete(_app, recursive: true);
    }

    private static Dictionary<string, string> Config(params (string Key, string Value)[] changes)
    {
        var config = StackRunner.Config(
            ("mode", "streaming"),
            ("target", "aws"),
            ("region", "eu-west-1"),
            ("tenants", """["acme", "globex"]"""),
            ("identityNamespaces", """{"email_lc_sha256": {}}"""),
            ("destinationName", "Acme Audiences"));
        foreach (var (key, value) in changes) config[$"destination:{key}"] = value;
        return config;
    }

    private static RecordingMocks Mocks() => new(AwsBehaviour.Instance, RandomBehaviour.Instance, TlsBehaviour.Instance);

    /// <summary>The name the stack gives the streaming component (its children's names start with it).</summary>
    private const string Component = "streaming";

    private static string Endpoint => AwsBehaviour.ApiEndpoint(AwsBehaviour.ApiId($"{Component}-api"), "eu-west-1");

    [Fact]
    public async Task Api_keys_the_stack_exports_the_api_and_the_aep_json_pointing_at_it()
    {
        var resources = await StackRunner.RunAsync(Mocks(), Config());

        var stack = Assert.Single(resources.OfType<DestinationStack>());
        Assert.Equal("aws", await OutputUtilities.GetValueAsync(stack.Target));
        Assert.Equal($"{Endpoint}/", await OutputUtilities.GetValueAsync(stack.Endpoint));
        Assert.Null(await OutputUtilities.GetValueAsync(stack.TokenUrl));
        Assert.Single(resources.OfType<StreamingEndpoint>());

        var spec = DestinationSpecParser.Parse(StackConfiguration.From(StackRunner.Project, StackRunner.Stack, Config()));
        var expected = AepConfigurationBuilder.Build(spec, new DeploymentFacts { EndpointUrl = new Uri($"{Endpoint}/") }).ToJson();
        Assert.Equal(expected, await OutputUtilities.GetValueAsync(stack.AepConfiguration));
        var aep = JsonDocument.Parse(expected).RootElement;
        Assert.Equal($"{Endpoint}/v1/profiles", aep.GetProperty("destinationServer").GetProperty("urlBasedDestination").GetProperty("url").GetProperty("value").GetString());
        Assert.Equal("BEARER", aep.GetProperty("destinationConfiguration").GetProperty("customerAuthenticationConfigurations")[0].GetProperty("authType").GetString());

        Assert.True(await Output.IsSecretAsync(stack.Credentials));
        var credentials = JsonDocument.Parse((await OutputUtilities.GetValueAsync(stack.Credentials))!).RootElement;
        Assert.Equal(["acme", "globex"], credentials.EnumerateObject().Select(p => p.Name));
        Assert.All(credentials.EnumerateObject(), t => Assert.StartsWith(AppCredentials.ApiKeyPrefix, t.Value.GetProperty("apiKey").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_the_apps_oauth_clients_the_aep_json_names_the_apps_token_url_and_basic_client_authentication()
    {
        var config = Config(("auth", "oauth2"), ("oauth2", """{"issuer": "app", "clientAuthentication": "basic"}"""));

        var resources = await StackRunner.RunAsync(Mocks(), config);

        var stack = Assert.Single(resources.OfType<DestinationStack>());
        Assert.Equal($"{Endpoint}/oauth2/token", await OutputUtilities.GetValueAsync(stack.TokenUrl));
        var auth = JsonDocument.Parse(await OutputUtilities.GetValueAsync(stack.AepConfiguration)).RootElement
            .GetProperty("destinationConfiguration").GetProperty("customerAuthenticationConfigurations")[0];
        Assert.Equal("OAUTH2", auth.GetProperty("authType").GetString());
        Assert.Equal("OAUTH2_CLIENT_CREDENTIALS", auth.GetProperty("grant").GetString());
        Assert.Equal($"{Endpoint}/oauth2/token", auth.GetProperty("accessTokenUrl").GetString());
        Assert.True(auth.GetProperty("options").GetProperty("useBasicAuth").GetBoolean());
        var credentials = JsonDocument.Parse((await OutputUtilities.GetValueAsync(stack.Credentials))!).RootElement;
        Assert.Equal("acme-aep", credentials.GetProperty("acme").GetProperty("clientId").GetString());
        Assert.Equal($"{Endpoint}/oauth2/token", credentials.GetProperty("acme").GetProperty("tokenUrl").GetString());
    }

    [Fact]
    public async Task With_cognito_the_aep_json_and_the_outputs_name_the_user_pools_token_url()
    {
        var config = Config(("auth", "oauth2"), ("oauth2", """{"issuer": "cognito", "scopes": ["aep/profiles.write"]}"""));
        var spec = DestinationSpecParser.Parse(StackConfiguration.From(StackRunner.Project, StackRunner.Stack, config));
        var tokenUrl = CognitoIssuer.TokenUrlFor(new ResourceNames(spec).CognitoDomain, "eu-west-1");

        var resources = await StackRunner.RunAsync(Mocks(), config);

        var stack = Assert.Single(resources.OfType<DestinationStack>());
        Assert.Equal(tokenUrl, await OutputUtilities.GetValueAsync(stack.TokenUrl));
        var expected = AepConfigurationBuilder.Build(spec, new DeploymentFacts { EndpointUrl = new Uri($"{Endpoint}/"), TokenUrl = new Uri(tokenUrl) }).ToJson();
        Assert.Equal(expected, await OutputUtilities.GetValueAsync(stack.AepConfiguration));
        var auth = JsonDocument.Parse(expected).RootElement.GetProperty("destinationConfiguration").GetProperty("customerAuthenticationConfigurations")[0];
        Assert.Equal(tokenUrl, auth.GetProperty("accessTokenUrl").GetString());
        Assert.Equal(["aep/profiles.write"], auth.GetProperty("scope").EnumerateArray().Select(s => s.GetString()));
        var credentials = JsonDocument.Parse((await OutputUtilities.GetValueAsync(stack.Credentials))!).RootElement;
        Assert.Equal(AwsBehaviour.CognitoClientId($"{Component}-cognito-globex-client"),
            credentials.GetProperty("globex").GetProperty("clientId").GetString());
    }

    [Fact]
    public async Task A_configuration_aws_cannot_carry_stops_before_the_app_is_published_or_anything_created()
    {
        var mocks = Mocks();
        var config = Config(("aggregation", """{"type": "configurable", "maxNumEventsInBatch": 10000}"""),
            ("identityNamespaces", """{"email_lc_sha256": {}, "phone_sha256": {}, "crm_id": {}}"""));
        Environment.SetEnvironmentVariable(AppPackage.OverrideVariable, Path.Combine(_app, "missing"));

        var error = await Assert.ThrowsAsync<RunException>(() => StackRunner.RunAsync(mocks, config));

        Assert.Empty(mocks.Created);
        var message = error.Message;
        Assert.Contains("destination:aggregation: allows 10000 profiles a request, about 6080000 bytes", message, StringComparison.Ordinal);
        Assert.Contains("on aws at most 4980736", message, StringComparison.Ordinal);
    }
}
