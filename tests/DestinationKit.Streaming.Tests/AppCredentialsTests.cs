using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using DestinationKit.Model.Spec;
using Pulumi;
using Pulumi.Testing;
using Pulumi.Utilities;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace DestinationKit.Streaming.Tests;

public class AppCredentialsTests
{
    private const string PasswordType = "random:index/randomPassword:RandomPassword";
    private const string KeyType = "tls:index/privateKey:PrivateKey";
    private const string GatewayUrl = "https://gw.example.test/";

    [Fact]
    public async Task One_tenant_with_an_api_key_gets_one_generated_key_and_the_app_one_signing_key()
    {
        var mocks = Mocks();

        var (credentials, _) = await RunAsync(mocks, AppCredentialsArgs.FromSpec(Specs.Streaming()));

        Assert.Equal(new Dictionary<string, int> { [AppCredentials.TypeToken] = 1, [KeyType] = 1, [PasswordType] = 1 }, Counts(mocks));
        var password = Assert.Single(mocks.OfType(PasswordType));
        Assert.Equal("app-acme-api-key-1", password.Name);
        Assert.Equal(48.0, password.Inputs["length"]);
        Assert.Equal(false, password.Inputs["special"]);
        var key = Assert.Single(mocks.OfType(KeyType));
        Assert.Equal(("app-signing-key", "RSA", 2048.0), (key.Name, key.Inputs["algorithm"], key.Inputs["rsaBits"]));

        var acme = Assert.Single(credentials.Tenants).Value;
        var apiKey = await OutputUtilities.GetValueAsync(acme.ApiKey!);
        Assert.Equal("dkp_" + RandomBehaviour.Password("app-acme-api-key-1", 48, special: false), apiKey);
        Assert.Matches("^dkp_[A-Za-z0-9]{48}$", apiKey);
        Assert.Equal(("acme", null, null, null, null), (acme.TenantId, acme.SecondaryApiKey, acme.ClientId, acme.ClientSecret, acme.SecondaryClientSecret));
        Assert.Equal($$$"""{"acme":{"apiKey":"{{{apiKey}}}"}}""", await OutputUtilities.GetValueAsync(credentials.CredentialsJson));
    }

    [Fact]
    public async Task The_document_has_exactly_the_format_the_app_reads_with_the_signing_key_as_pkcs8()
    {
        var mocks = Mocks();

        var (credentials, _) = await RunAsync(mocks, AppCredentialsArgs.FromSpec(Specs.Streaming()));

        var document = await OutputUtilities.GetValueAsync(credentials.Document);
        var apiKey = await OutputUtilities.GetValueAsync(credentials.Tenants["acme"].ApiKey!);
        var pem = JsonDocument.Parse(document).RootElement.GetProperty("signingKey").GetProperty("privateKeyPem").GetString()!;
        Assert.Equal(
            $$$"""{"version":1,"tenants":{"acme":{"apiKeys":["{{{apiKey}}}"],"oauthClients":[]}},"signingKey":{"privateKeyPem":"{{{pem.Replace("\n", "\\n", StringComparison.Ordinal)}}}"}}""",
            document);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----\n", pem, StringComparison.Ordinal);

        // The private key in the document is the one whose public half and kid the component reports.
        using var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        Assert.Equal(2048, rsa.KeySize);
        var publicPem = await OutputUtilities.GetValueAsync(credentials.SigningPublicKeyPem);
        Assert.Equal(rsa.ExportSubjectPublicKeyInfoPem(), publicPem.TrimEnd('\n'));
        var expectedKid = Convert.ToBase64String(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo())).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        Assert.Equal(expectedKid, await OutputUtilities.GetValueAsync(credentials.SigningKeyId));
        Assert.Equal(43, expectedKid.Length);
    }

    [Fact]
    public async Task Three_tenants_with_oauth_clients_get_a_client_each_and_the_token_url_of_the_gateway()
    {
        var mocks = Mocks();
        var spec = Specs.Streaming("gcp", Specs.ThreeTenants, Specs.OAuth2);

        var (credentials, _) = await RunAsync(mocks, AppCredentialsArgs.FromSpec(spec, Output.Create(GatewayUrl)));

        Assert.Equal(new Dictionary<string, int> { [AppCredentials.TypeToken] = 1, [KeyType] = 1, [PasswordType] = 3 }, Counts(mocks));
        string[] tenants = ["acme", "globex", "initech"];
        Assert.Equal(tenants, credentials.Tenants.Keys);
        Assert.Equal(tenants.Select(t => $"app-{t}-client-secret-1"), mocks.OfType(PasswordType).Select(p => p.Name!).Order(StringComparer.Ordinal));
        Assert.Equal(["acme-aep", "globex-aep", "initech-aep"], credentials.Tenants.Values.Select(t => t.ClientId));
        Assert.All(credentials.Tenants.Values, t => Assert.Null(t.ApiKey));

        var secrets = tenants.ToDictionary(t => t, t => RandomBehaviour.Password($"app-{t}-client-secret-1", 48, special: false));
        foreach (var (tenant, secret) in secrets)
            Assert.Equal(secret, await OutputUtilities.GetValueAsync(credentials.Tenants[tenant].ClientSecret!));

        var handedOut = await OutputUtilities.GetValueAsync(credentials.CredentialsJson);
        Assert.Equal(
            "{" + string.Join(",", tenants.Select(t =>
                $$$"""
                "{{{t}}}":{"clientId":"{{{t}}}-aep","clientSecret":"{{{secrets[t]}}}","tokenUrl":"https://gw.example.test/oauth2/token"}
                """)) + "}",
            handedOut);

        var document = JsonDocument.Parse(await OutputUtilities.GetValueAsync(credentials.Document)).RootElement;
        Assert.Equal(tenants, document.GetProperty("tenants").EnumerateObject().Select(p => p.Name));
        foreach (var tenant in tenants)
        {
            var entry = document.GetProperty("tenants").GetProperty(tenant);
            Assert.Equal(0, entry.GetProperty("apiKeys").GetArrayLength());
            var client = Assert.Single(entry.GetProperty("oauthClients").EnumerateArray());
            Assert.Equal($$$"""{"clientId":"{{{tenant}}}-aep","clientSecret":"{{{secrets[tenant]}}}"}""", client.GetRawText());
        }
    }

    [Fact]
    public async Task Without_the_gateway_url_the_handed_out_client_has_no_token_url()
    {
        var mocks = Mocks();

        var (credentials, _) = await RunAsync(mocks, AppCredentialsArgs.FromSpec(Specs.Streaming("azure", extra: Specs.OAuth2)));

        var secret = RandomBehaviour.Password("app-acme-client-secret-1", 48, special: false);
        Assert.Equal($$$"""{"acme":{"clientId":"acme-aep","clientSecret":"{{{secret}}}"}}""", await OutputUtilities.GetValueAsync(credentials.CredentialsJson));
    }

    [Fact]
    public async Task Rotating_an_api_key_keeps_the_old_key_valid_beside_the_new_one_and_hands_out_the_new_one()
    {
        var before = Mocks();
        var (first, _) = await RunAsync(before, AppCredentialsArgs.FromSpec(Specs.Streaming()));
        var oldKey = await OutputUtilities.GetValueAsync(first.Tenants["acme"].ApiKey!);

        var during = Mocks();
        var (rotating, _) = await RunAsync(during, AppCredentialsArgs.FromSpec(Specs.Streaming(extra: ("credentialRotation", """{"acme": {"current": 2, "previous": 1}}"""))));

        // Generation 1 keeps its resource name, so Pulumi keeps its value; generation 2 is a new resource.
        Assert.Equal(["app-acme-api-key-1", "app-acme-api-key-2"], during.OfType(PasswordType).Select(p => p.Name!).Order(StringComparer.Ordinal));
        var acme = rotating.Tenants["acme"];
        var newKey = await OutputUtilities.GetValueAsync(acme.ApiKey!);
        Assert.Equal(oldKey, await OutputUtilities.GetValueAsync(acme.SecondaryApiKey!));
        Assert.NotEqual(oldKey, newKey);
        Assert.Equal([newKey, oldKey], ApiKeys(await OutputUtilities.GetValueAsync(rotating.Document), "acme"));
        Assert.Equal($$$"""{"acme":{"apiKey":"{{{newKey}}}"}}""", await OutputUtilities.GetValueAsync(rotating.CredentialsJson));

        var after = Mocks();
        var (done, _) = await RunAsync(after, AppCredentialsArgs.FromSpec(Specs.Streaming(extra: ("credentialRotation", """{"acme": {"current": 2}}"""))));
        Assert.Equal("app-acme-api-key-2", Assert.Single(after.OfType(PasswordType)).Name);
        Assert.Null(done.Tenants["acme"].SecondaryApiKey);
        Assert.Equal([newKey], ApiKeys(await OutputUtilities.GetValueAsync(done.Document), "acme"));
    }

    [Fact]
    public async Task Rotating_a_client_secret_keeps_the_client_id_and_gives_the_client_two_valid_secrets()
    {
        var mocks = Mocks();
        var spec = Specs.Streaming("aws", Specs.ThreeTenants, Specs.OAuth2, ("credentialRotation", """{"globex": {"current": 3, "previous": 2}}"""));

        var (credentials, _) = await RunAsync(mocks, AppCredentialsArgs.FromSpec(spec));

        Assert.Equal(["app-acme-client-secret-1", "app-globex-client-secret-2", "app-globex-client-secret-3", "app-initech-client-secret-1"],
            mocks.OfType(PasswordType).Select(p => p.Name!).Order(StringComparer.Ordinal));
        var globex = credentials.Tenants["globex"];
        var current = RandomBehaviour.Password("app-globex-client-secret-3", 48, special: false);
        var previous = RandomBehaviour.Password("app-globex-client-secret-2", 48, special: false);
        Assert.Equal("globex-aep", globex.ClientId);
        Assert.Equal(current, await OutputUtilities.GetValueAsync(globex.ClientSecret!));
        Assert.Equal(previous, await OutputUtilities.GetValueAsync(globex.SecondaryClientSecret!));
        Assert.Null(credentials.Tenants["acme"].SecondaryClientSecret);

        var clients = JsonDocument.Parse(await OutputUtilities.GetValueAsync(credentials.Document)).RootElement
            .GetProperty("tenants").GetProperty("globex").GetProperty("oauthClients");
        Assert.Equal([("globex-aep", current), ("globex-aep", previous)],
            clients.EnumerateArray().Select(c => (c.GetProperty("clientId").GetString(), c.GetProperty("clientSecret").GetString())));
        using var handedOut = JsonDocument.Parse(await OutputUtilities.GetValueAsync(credentials.CredentialsJson));
        Assert.Equal(current, handedOut.RootElement.GetProperty("globex").GetProperty("clientSecret").GetString());
    }

    [Theory]
    [InlineData("external")]
    [InlineData("cognito")]
    public async Task With_another_issuer_the_app_gets_only_its_signing_key_and_no_tenant_credentials(string issuer)
    {
        var mocks = Mocks();
        var oauth2 = issuer == "cognito" ? """{"issuer": "cognito"}"""
            : """{"issuer": "external", "issuerUrl": "https://id.example.test/", "jwksUri": "https://id.example.test/jwks", "tokenUrl": "https://id.example.test/token", "audience": "aep"}""";
        // Cognito exists only on aws, an external issuer only on azure and gcp.
        var spec = Specs.Streaming(issuer == "cognito" ? "aws" : "azure", """["acme", "globex"]""", Specs.OAuth2, ("oauth2", oauth2));

        var (credentials, _) = await RunAsync(mocks, AppCredentialsArgs.FromSpec(spec, Output.Create(GatewayUrl)));

        Assert.Equal(new Dictionary<string, int> { [AppCredentials.TypeToken] = 1, [KeyType] = 1 }, Counts(mocks));
        Assert.All(credentials.Tenants.Values, t => Assert.Equal(new TenantCredentials(t.TenantId), t));
        Assert.Equal("""{"acme":{},"globex":{}}""", await OutputUtilities.GetValueAsync(credentials.CredentialsJson));
        var tenants = JsonDocument.Parse(await OutputUtilities.GetValueAsync(credentials.Document)).RootElement.GetProperty("tenants");
        Assert.Equal("""{"acme":{"apiKeys":[],"oauthClients":[]},"globex":{"apiKeys":[],"oauthClients":[]}}""", tenants.GetRawText());
    }

    [Fact]
    public async Task The_external_issuer_s_client_ids_are_listed_without_a_secret_under_their_tenants()
    {
        var mocks = Mocks();
        var spec = Specs.Streaming("aws", Specs.ThreeTenants, Specs.OAuth2, ("oauth2", """{"issuer": "cognito"}"""));
        var args = AppCredentialsArgs.FromSpec(spec, Output.Create(GatewayUrl)) with
        {
            ExternalClientIds = System.Collections.Immutable.ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal,
                new Dictionary<string, Input<string>> { ["acme"] = "1example23456789abcdefghij", ["globex"] = Output.Create("2example23456789abcdefghij") }),
        };

        var (credentials, _) = await RunAsync(mocks, args);

        var tenants = JsonDocument.Parse(await OutputUtilities.GetValueAsync(credentials.Document)).RootElement.GetProperty("tenants");
        Assert.Equal(
            """{"acme":{"apiKeys":[],"oauthClients":[{"clientId":"1example23456789abcdefghij"}]},"globex":{"apiKeys":[],"oauthClients":[{"clientId":"2example23456789abcdefghij"}]},"initech":{"apiKeys":[],"oauthClients":[]}}""",
            tenants.GetRawText());
        Assert.True(await Output.IsSecretAsync(credentials.Document));
        // The issuer hands out its own credentials: nothing is generated, nothing is handed out here.
        Assert.Equal(new Dictionary<string, int> { [AppCredentials.TypeToken] = 1, [KeyType] = 1 }, Counts(mocks));
        Assert.Equal("""{"acme":{},"globex":{},"initech":{}}""", await OutputUtilities.GetValueAsync(credentials.CredentialsJson));
    }

    [Fact]
    public async Task An_external_client_id_for_a_tenant_the_spec_does_not_have_is_refused()
    {
        var spec = Specs.Streaming("aws", extra: [Specs.OAuth2, ("oauth2", """{"issuer": "cognito"}""")]);
        var args = AppCredentialsArgs.FromSpec(spec) with
        {
            ExternalClientIds = System.Collections.Immutable.ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal,
                new Dictionary<string, Input<string>> { ["acme"] = "1example", ["globex"] = "2example" }),
        };

        var error = await Assert.ThrowsAnyAsync<Exception>(() => RunAsync(Mocks(), args));

        // Pulumi reports the program's exception as a RunException quoting it.
        Assert.Contains("System.ArgumentException: an external client id is given for globex, which is not a tenant", (error.InnerException ?? error).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_secret_is_a_pulumi_secret_and_the_key_id_and_public_key_are_not()
    {
        var apiKeys = Specs.Streaming(extra: ("credentialRotation", """{"acme": {"current": 2, "previous": 1}}"""));
        var clients = Specs.Streaming(extra: [Specs.OAuth2, ("credentialRotation", """{"acme": {"current": 2, "previous": 1}}""")]);

        foreach (var spec in new[] { apiKeys, clients })
        {
            var (credentials, _) = await RunAsync(Mocks(), AppCredentialsArgs.FromSpec(spec, Output.Create(GatewayUrl)));
            var acme = credentials.Tenants["acme"];
            Output<string>[] secrets =
            [
                credentials.Document, credentials.CredentialsJson,
                .. new[] { acme.ApiKey, acme.SecondaryApiKey, acme.ClientSecret, acme.SecondaryClientSecret }.OfType<Output<string>>(),
            ];
            Assert.Equal(4, secrets.Length);
            foreach (var secret in secrets) Assert.True(await Output.IsSecretAsync(secret));
            Assert.False(await Output.IsSecretAsync(credentials.SigningKeyId));
            Assert.False(await Output.IsSecretAsync(credentials.SigningPublicKeyPem));
        }
    }

    [Fact]
    public async Task Every_child_is_parented_to_the_component_which_registers_its_outputs()
    {
        var mocks = Mocks();
        var underComponent = new ConcurrentBag<string>();
        var options = new ComponentResourceOptions
        {
            ResourceTransformations = { args => { underComponent.Add(args.Resource.GetResourceName()); return null; } },
        };

        var (credentials, resources) = await RunAsync(mocks, AppCredentialsArgs.FromSpec(Specs.Streaming("aws", Specs.ThreeTenants)), options);

        var children = resources.OfType<CustomResource>().Select(r => r.GetResourceName()).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(4, children.Count);
        Assert.Equal(children, underComponent.Where(name => name != "app").Order(StringComparer.Ordinal));
        var urn = await OutputUtilities.GetValueAsync(credentials.Urn);
        Assert.EndsWith($"{AppCredentials.TypeToken}::app", urn, StringComparison.Ordinal);
        Assert.Contains(urn, mocks.RegisteredOutputs);
    }

    [Fact]
    public void Args_are_for_streaming_destinations_only()
    {
        var batch = DestinationKit.Model.Configuration.DestinationSpecParser.Parse(DestinationKit.Model.Configuration.StackConfiguration.From(
            Specs.Project, Specs.Stack, new Dictionary<string, string>
            {
                ["destination:mode"] = "batch", ["destination:target"] = "gcp-gcs", ["destination:region"] = "europe-west1",
                ["destination:tenants"] = """["acme"]""", ["destination:destinationName"] = "Acme Audiences",
            }));

        var error = Assert.Throws<ArgumentException>(() => AppCredentialsArgs.FromSpec(batch));
        Assert.Contains("streaming", error.Message, StringComparison.Ordinal);
        Assert.Equal(CredentialGenerations.First, AppCredentialsArgs.FromSpec(Specs.Streaming()).Tenants.Single().Generations);
    }

    private static RecordingMocks Mocks() => new(RandomBehaviour.Instance, TlsBehaviour.Instance);

    private static async Task<(AppCredentials Credentials, System.Collections.Immutable.ImmutableArray<Resource> Resources)> RunAsync(
        RecordingMocks mocks, AppCredentialsArgs args, ComponentResourceOptions? options = null)
    {
        AppCredentials? credentials = null;
        var resources = await Deployment.TestAsync(mocks,
            new TestOptions { IsPreview = false, ProjectName = Specs.Project, StackName = Specs.Stack },
            () => { credentials = new AppCredentials("app", args, options); });
        return (credentials!, resources);
    }

    private static Dictionary<string, int> Counts(RecordingMocks mocks) =>
        mocks.Created.GroupBy(r => r.Type!).ToDictionary(g => g.Key, g => g.Count());

    private static string[] ApiKeys(string document, string tenant) =>
        [.. JsonDocument.Parse(document).RootElement.GetProperty("tenants").GetProperty(tenant).GetProperty("apiKeys").EnumerateArray().Select(k => k.GetString()!)];
}
