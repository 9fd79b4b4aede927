using System.Text.Json;
using DestinationKit.Streaming;
using Pulumi;
using Pulumi.Utilities;

namespace DestinationKit.Infra.Tests;

/// <summary>The stack with target <c>azure</c> (streaming): the endpoint is deployed from the configuration with the
/// prebuilt app of <c>DESTINATIONKIT_APP_PACKAGE</c>, and the stack exports the gateway URL, the token URL, the secret
/// credentials and the Destination SDK JSON that points AEP at the gateway.</summary>
public sealed class AzureStreamingStackTests : IDisposable
{
    private readonly string _app = Path.Combine(Path.GetTempPath(), "dk-azure-stack-tests", Guid.NewGuid().ToString("N"));

    public AzureStreamingStackTests()
    {
        Directory.CreateDirectory(_app);
        File.WriteAllText(Path.Combine(_app, "DestinationKit.Ingestion.dll"), "stand-in");
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
            ("target", "azure"),
            ("region", "westeurope"),
            ("tenants", """["acme", "globex"]"""),
            ("identityNamespaces", """{"email_lc_sha256": {}}"""),
            ("destinationName", "Acme Audiences"));
        foreach (var (key, value) in changes) config[$"destination:{key}"] = value;
        return config;
    }

    private static RecordingMocks Mocks() =>
        new(AzureBehaviour.Instance, AzureStreamingBehaviour.Instance, RandomBehaviour.Instance, TlsBehaviour.Instance);

    [Fact]
    public async Task Api_keys_the_stack_exports_the_gateway_and_the_aep_json_pointing_at_it()
    {
        var resources = await StackRunner.RunAsync(Mocks(), Config());

        var stack = Assert.Single(resources.OfType<DestinationStack>());
        Assert.Equal("azure", await OutputUtilities.GetValueAsync(stack.Target));
        var endpoint = await OutputUtilities.GetValueAsync(stack.Endpoint);
        Assert.Matches(@"^https://aep-gw-[a-z2-7]{8}\.azure-api\.net/$", endpoint);
        Assert.Null(await OutputUtilities.GetValueAsync(stack.TokenUrl));

        var aep = JsonDocument.Parse(await OutputUtilities.GetValueAsync(stack.AepConfiguration)).RootElement;
        Assert.Equal($"{endpoint}v1/profiles", aep.GetProperty("destinationServer").GetProperty("urlBasedDestination").GetProperty("url").GetProperty("value").GetString());
        Assert.Equal("BEARER", aep.GetProperty("destinationConfiguration").GetProperty("customerAuthenticationConfigurations")[0].GetProperty("authType").GetString());

        Assert.True(await Output.IsSecretAsync(stack.Credentials));
        var credentials = JsonDocument.Parse((await OutputUtilities.GetValueAsync(stack.Credentials))!).RootElement;
        Assert.Equal(["acme", "globex"], credentials.EnumerateObject().Select(t => t.Name));
        Assert.All(credentials.EnumerateObject(), t => Assert.StartsWith(AppCredentials.ApiKeyPrefix, t.Value.GetProperty("apiKey").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task OAuth2_the_token_url_is_the_gateways_and_aep_uses_it()
    {
        var resources = await StackRunner.RunAsync(Mocks(), Config(("auth", "oauth2")));

        var stack = Assert.Single(resources.OfType<DestinationStack>());
        var endpoint = await OutputUtilities.GetValueAsync(stack.Endpoint);
        var tokenUrl = await OutputUtilities.GetValueAsync(stack.TokenUrl);
        Assert.Equal($"{endpoint}oauth2/token", tokenUrl);
        var auth = JsonDocument.Parse(await OutputUtilities.GetValueAsync(stack.AepConfiguration)).RootElement
            .GetProperty("destinationConfiguration").GetProperty("customerAuthenticationConfigurations")[0];
        Assert.Equal(("OAUTH2", tokenUrl), (auth.GetProperty("authType").GetString(), auth.GetProperty("accessTokenUrl").GetString()));
    }

    [Fact]
    public async Task Customer_managed_keys_stop_the_run_before_any_resource()
    {
        var mocks = Mocks();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => StackRunner.RunAsync(mocks,
            Config(("encryption", "customer-managed"), ("encryptionKeyId", "https://acmekeys.vault.azure.net/keys/sink"))));

        Assert.Contains("destination:encryption: customer-managed keys are not yet supported on azure", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(mocks.Created, r => r.Type != "pulumi:pulumi:Stack");
    }

    [Fact]
    public async Task A_missing_app_package_stops_the_run_before_any_resource()
    {
        Environment.SetEnvironmentVariable(AppPackage.OverrideVariable, Path.Combine(_app, "missing"));
        var mocks = Mocks();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => StackRunner.RunAsync(mocks, Config()));

        Assert.Contains($"{AppPackage.OverrideVariable} names", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(mocks.Created, r => r.Type != "pulumi:pulumi:Stack");
    }
}
