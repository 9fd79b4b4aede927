using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DestinationKit.Gcp.Streaming;
using DestinationKit.Model.Naming;
using DestinationKit.Model.Permissions;
using DestinationKit.Streaming;
using Pulumi;
using Pulumi.Gcp.SecretManager;
using Pulumi.Testing;
using Pulumi.Utilities;
using static DestinationKit.Gcp.Tests.MockGraph;

namespace DestinationKit.Gcp.Tests;

/// <summary>The <c>gcp</c> streaming target under mocks: what is created, how the gateway and the app are secured,
/// what the app is given, and what the stack hands out.</summary>
public class StreamingEndpointTests
{
    private const string ServiceType = "gcp:cloudrunv2/service:Service";
    private const string InvokerType = "gcp:cloudrunv2/serviceIamMember:ServiceIamMember";
    private const string AccountType = "gcp:serviceaccount/account:Account";
    private const string BucketType = "gcp:storage/bucket:Bucket";
    private const string BucketMemberType = "gcp:storage/bucketIAMMember:BucketIAMMember";
    private const string RoleType = "gcp:projects/iAMCustomRole:IAMCustomRole";
    private const string SecretType = "gcp:secretmanager/secret:Secret";
    private const string SecretVersionType = "gcp:secretmanager/secretVersion:SecretVersion";
    private const string SecretMemberType = "gcp:secretmanager/secretIamMember:SecretIamMember";
    private const string RepositoryType = "gcp:artifactregistry/repository:Repository";
    private const string ApiType = "gcp:apigateway/api:Api";
    private const string ConfigType = "gcp:apigateway/apiConfig:ApiConfig";
    private const string GatewayType = "gcp:apigateway/gateway:Gateway";
    private const string PasswordType = "random:index/randomPassword:RandomPassword";
    private const string PrivateKeyType = "tls:index/privateKey:PrivateKey";

    private static Task<(GcpStreamingEndpoint Endpoint, System.Collections.Immutable.ImmutableArray<Resource> Resources)> RunAsync(
        RecordingMocks mocks, Model.Spec.DestinationSpec spec) => ComponentRunner.RunStreamingAsync(mocks, GcpStreamingEndpointArgs.FromSpec(spec));

    private static string ApiKeyOf(RecordingMocks mocks, string tenant) =>
        AppCredentials.ApiKeyPrefix + RandomBehaviour.Password(Named(mocks, PasswordType, $"streaming-credentials-{tenant}-api-key-1").Name!, AppCredentials.SecretLength, false);

    /// <summary>The OpenAPI document of an API config, as the gateway receives it.</summary>
    private static string Document(MockResourceArgs config)
    {
        var file = Map(Map(Assert.Single(List(config.Inputs["openapiDocuments"])))["document"]);
        Assert.Equal(GatewayOpenApi.DocumentPath, file["path"]);
        return Encoding.UTF8.GetString(Convert.FromBase64String((string)file["contents"]));
    }

    private static IReadOnlyDictionary<string, object> Container(RecordingMocks mocks) =>
        Map(Assert.Single(List(Map(Single(mocks, ServiceType).Inputs["template"])["containers"])));

    private static Dictionary<string, IReadOnlyDictionary<string, object>> Env(RecordingMocks mocks) =>
        List(Container(mocks)["envs"]).Select(Map).ToDictionary(e => (string)e["name"], e => e);

    [Fact]
    public async Task One_tenant_with_api_keys_gets_the_app_behind_one_gateway_and_its_key()
    {
        var spec = Specs.Streaming();
        var args = GcpStreamingEndpointArgs.FromSpec(spec);
        var mocks = ComponentRunner.StreamingMocks();

        var (endpoint, _) = await RunAsync(mocks, spec);

        Assert.Equal(new Dictionary<string, int>
        {
            [GcpStreamingEndpoint.TypeToken] = 1, [AppCredentials.TypeToken] = 1,
            [AccountType] = 2, [BucketType] = 1, [RoleType] = 1, [BucketMemberType] = 1,
            [SecretType] = 1, [SecretVersionType] = 1, [SecretMemberType] = 1,
            [RepositoryType] = 1, [ServiceType] = 1, [InvokerType] = 1,
            [ApiType] = 1, [ConfigType] = 1, [GatewayType] = 1,
            [PasswordType] = 1, [PrivateKeyType] = 1,
        }, Counts(mocks));
        Assert.Equal($"https://{GcpBehaviour.GatewayHostname(args.GatewayId)}/", await OutputUtilities.GetValueAsync(endpoint.EndpointUrl));
        Assert.Equal(GcpBehaviour.CloudRunUri(args.ServiceName), await OutputUtilities.GetValueAsync(endpoint.ServiceUri));
        Assert.Equal(ComponentRunner.PrebuiltImage, await OutputUtilities.GetValueAsync(endpoint.Image));
        Assert.Null(endpoint.JwksUri);
        Assert.Equal(new ResourceNames(spec).SinkBucket, await OutputUtilities.GetValueAsync(endpoint.SinkBucketName));

        var credentials = JsonNode.Parse(await OutputUtilities.GetValueAsync(endpoint.CredentialsJson))!.AsObject();
        var acme = Assert.Single(credentials);
        Assert.Equal("acme", acme.Key);
        Assert.Equal(ApiKeyOf(mocks, "acme"), (string)acme.Value!["apiKey"]!);
        Assert.Single(acme.Value!.AsObject());
        // The app never asks Google for anything at deploy time when the image is prebuilt.
        Assert.Empty(mocks.Calls);
    }

    [Fact]
    public async Task Three_tenants_with_oauth_get_a_client_each_and_a_second_gateway_for_the_signing_keys()
    {
        var spec = Specs.Streaming(Specs.ThreeTenantList, extra: Specs.OAuth2);
        var args = GcpStreamingEndpointArgs.FromSpec(spec);
        var mocks = ComponentRunner.StreamingMocks();

        var (endpoint, _) = await RunAsync(mocks, spec);

        var counts = Counts(mocks);
        Assert.Equal((2, 2, 1, 3, 1, 2), (counts[ConfigType], counts[GatewayType], counts[ApiType], counts[PasswordType], counts[ServiceType], counts[AccountType]));
        Assert.Equal([args.GatewayId, args.JwksGatewayId], mocks.OfType(GatewayType).Select(g => (string)g.Inputs["gatewayId"]).Order(StringComparer.Ordinal));
        var url = await OutputUtilities.GetValueAsync(endpoint.EndpointUrl);
        Assert.Equal($"https://{GcpBehaviour.GatewayHostname(args.GatewayId)}/", url);
        Assert.Equal($"https://{GcpBehaviour.GatewayHostname(args.JwksGatewayId)}/.well-known/jwks.json", await OutputUtilities.GetValueAsync(endpoint.JwksUri!));

        var credentials = JsonNode.Parse(await OutputUtilities.GetValueAsync(endpoint.CredentialsJson))!.AsObject();
        Assert.Equal(["acme", "globex", "initech"], credentials.Select(c => c.Key));
        foreach (var (tenant, entry) in credentials)
        {
            Assert.Equal(["clientId", "clientSecret", "tokenUrl"], entry!.AsObject().Select(f => f.Key));
            Assert.Equal($"{tenant}-aep", (string)entry["clientId"]!);
            Assert.Equal($"{url}oauth2/token", (string)entry["tokenUrl"]!);
            Assert.Equal(AppCredentials.SecretLength, ((string)entry["clientSecret"]!).Length);
        }
        Assert.Equal(3, credentials.Select(c => (string)c.Value!["clientSecret"]!).Distinct().Count());
    }

    [Fact]
    public async Task The_api_key_gateway_document_routes_every_path_to_the_service_and_checks_nothing_itself()
    {
        var spec = Specs.Streaming();
        var args = GcpStreamingEndpointArgs.FromSpec(spec);
        var mocks = ComponentRunner.StreamingMocks();

        await RunAsync(mocks, spec);

        var document = JsonNode.Parse(Document(Single(mocks, ConfigType)))!.AsObject();
        Assert.Equal(GcpBehaviour.CloudRunUri(args.ServiceName), (string)document["x-google-backend"]!["address"]!);
        Assert.False(document.ContainsKey("securityDefinitions"));
        Assert.False(document.ContainsKey("security"));
        var operations = Operations(document).ToList();
        Assert.Equal(GatewayOpenApi.DataRoutes.Concat(AppEnvironment.UnauthenticatedRoutes).Order(), operations.Select(o => (o.Method, o.Path)).Order());
        Assert.All(operations, o => Assert.False(o.Operation.ContainsKey("security")));
    }

    [Fact]
    public async Task The_oauth_gateway_document_is_exactly_the_expected_one()
    {
        var spec = Specs.Streaming(extra: Specs.OAuth2);
        var args = GcpStreamingEndpointArgs.FromSpec(spec);
        var mocks = ComponentRunner.StreamingMocks();

        await RunAsync(mocks, spec);

        var main = Document(Assert.Single(mocks.OfType(ConfigType), c => (string)c.Inputs["apiConfigIdPrefix"] == "main-"));
        var expected = ExpectedOAuthDocument
            .Replace("{backend}", GcpBehaviour.CloudRunUri(args.ServiceName), StringComparison.Ordinal)
            .Replace("{issuer}", $"urn:destinationkit:gcp:{args.ServiceName}", StringComparison.Ordinal)
            .Replace("{jwks}", $"https://{GcpBehaviour.GatewayHostname(args.JwksGatewayId)}/.well-known/jwks.json", StringComparison.Ordinal);
        Assert.Equal(expected, main);
    }

    [Fact]
    public async Task With_oauth_every_data_route_requires_the_apps_token_and_no_open_route_does()
    {
        var spec = Specs.Streaming(extra: Specs.OAuth2);
        var args = GcpStreamingEndpointArgs.FromSpec(spec);
        var mocks = ComponentRunner.StreamingMocks();

        await RunAsync(mocks, spec);

        var document = JsonNode.Parse(Document(Assert.Single(mocks.OfType(ConfigType), c => (string)c.Inputs["apiConfigIdPrefix"] == "main-")))!.AsObject();
        Assert.False(document.ContainsKey("security"), "a document-wide requirement would also close the open routes");
        var scheme = document["securityDefinitions"]![GatewayOpenApi.SecurityScheme]!;
        var issuer = (string)scheme["x-google-issuer"]!;
        Assert.Equal(AppEnvironment.Audience, (string)scheme["x-google-audiences"]!);
        Assert.Equal(args.JwtIssuer, issuer);
        Assert.Equal(issuer, Env(mocks)["Auth__Issuer"]["value"]);
        foreach (var (method, path, operation) in Operations(document))
        {
            var isData = GatewayOpenApi.DataRoutes.Contains((method, path));
            Assert.True(isData || AppEnvironment.UnauthenticatedRoutes.Contains((method, path)), $"{method} {path} is not a route of the app");
            if (isData) Assert.Equal("""[{"destinationkit_jwt":[]}]""", operation["security"]!.ToJsonString());
            else Assert.False(operation.ContainsKey("security"), $"{method} {path} must stay open");
        }

        // The signing keys' gateway: only the JWKS, open, from the same service.
        var jwks = JsonNode.Parse(Document(Assert.Single(mocks.OfType(ConfigType), c => (string)c.Inputs["apiConfigIdPrefix"] == "jwks-")))!.AsObject();
        Assert.Equal([("GET", GcpStreamingEndpoint.JwksPath)], Operations(jwks).Select(o => (o.Method, o.Path)));
        Assert.False(jwks.ContainsKey("securityDefinitions"));
        Assert.Equal(GcpBehaviour.CloudRunUri(args.ServiceName), (string)jwks["x-google-backend"]!["address"]!);
    }

    [Fact]
    public async Task With_an_external_issuer_the_gateway_checks_its_tokens_against_its_keys_and_no_second_gateway_exists()
    {
        var spec = Specs.Streaming(extra: Specs.ExternalIssuer);
        var mocks = ComponentRunner.StreamingMocks();

        var (endpoint, _) = await RunAsync(mocks, spec);

        Assert.Single(mocks.OfType(GatewayType));
        Assert.Empty(mocks.OfType(PasswordType));
        var scheme = JsonNode.Parse(Document(Single(mocks, ConfigType)))!["securityDefinitions"]![GatewayOpenApi.SecurityScheme]!;
        Assert.Equal("https://login.example.test/tenant/v2.0", (string)scheme["x-google-issuer"]!);
        Assert.Equal("https://login.example.test/tenant/keys", (string)scheme["x-google-jwks_uri"]!);
        Assert.Equal("api://acme-ingestion", (string)scheme["x-google-audiences"]!);
        Assert.Equal("https://login.example.test/tenant/keys", await OutputUtilities.GetValueAsync(endpoint.JwksUri!));
        var env = Env(mocks);
        Assert.Equal("https://login.example.test/tenant/v2.0", env["Auth__External__Issuer"]["value"]);
        Assert.False(env.ContainsKey("Auth__Issuer"));
        Assert.Equal("""{"acme":{}}""", await OutputUtilities.GetValueAsync(endpoint.CredentialsJson));
    }

    [Fact]
    public async Task Only_the_gateways_service_account_may_invoke_the_service_and_nothing_is_public()
    {
        var spec = Specs.Streaming(Specs.ThreeTenantList, extra: Specs.OAuth2);
        var args = GcpStreamingEndpointArgs.FromSpec(spec);
        var mocks = ComponentRunner.StreamingMocks();

        await RunAsync(mocks, spec);

        var invoker = Single(mocks, InvokerType).Inputs;
        Assert.Equal("roles/run.invoker", invoker["role"]);
        Assert.Equal($"serviceAccount:{GcpBehaviour.ServiceAccountEmail(args.GatewayServiceAccountId)}", invoker["member"]);
        Assert.Equal(args.ServiceName, invoker["name"]);
        Assert.Equal("europe-west1", invoker["location"]);
        var service = Single(mocks, ServiceType).Inputs;
        Assert.Equal(false, service["invokerIamDisabled"]);
        foreach (var config in mocks.OfType(ConfigType))
        {
            var backend = Map(Map(config.Inputs["gatewayConfig"])["backendConfig"]);
            Assert.Equal(GcpBehaviour.ServiceAccountEmail(args.GatewayServiceAccountId), backend["googleServiceAccount"]);
            Assert.DoesNotContain("disable_auth", Document(config), StringComparison.Ordinal);
        }
        foreach (var resource in mocks.Created)
        {
            Assert.DoesNotContain(Strings(resource.Inputs), s => s.Contains("allUsers", StringComparison.Ordinal)
                || s.Contains("allAuthenticatedUsers", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task The_sink_bucket_is_private_and_only_the_apps_account_may_use_it_with_exactly_the_models_permissions()
    {
        var spec = Specs.Streaming(extra: ("retentionDays", "90"));
        var args = GcpStreamingEndpointArgs.FromSpec(spec);
        var mocks = ComponentRunner.StreamingMocks();

        await RunAsync(mocks, spec);

        var bucket = Single(mocks, BucketType).Inputs;
        Assert.Equal(new ResourceNames(spec).SinkBucket, bucket["name"]);
        Assert.Equal("europe-west1", bucket["location"]);
        Assert.Equal(true, bucket["uniformBucketLevelAccess"]);
        Assert.Equal("enforced", bucket["publicAccessPrevention"]);
        Assert.Equal(true, Map(bucket["versioning"])["enabled"]);
        var rules = List(bucket["lifecycleRules"]).Select(r => Map(Map(r)["condition"])).ToList();
        Assert.Equal(2, rules.Count);
        Assert.Equal((90.0, "LIVE", "requests/"), ((double)rules[0]["age"], (string)rules[0]["withState"], (string)Assert.Single(List(rules[0]["matchesPrefixes"]))));
        Assert.Equal((90.0, "ARCHIVED"), ((double)rules[1]["daysSinceNoncurrentTime"], (string)rules[1]["withState"]));

        var role = Single(mocks, RoleType).Inputs;
        Assert.Equal(GcsPermissions.AppSinkPermissions, List(role["permissions"]).Cast<string>());
        Assert.Equal(args.SinkRoleId, role["roleId"]);
        var binding = Single(mocks, BucketMemberType).Inputs;
        Assert.Equal(bucket["name"], binding["bucket"]);
        Assert.Equal($"projects/{GcpBehaviour.Project}/roles/{args.SinkRoleId}", binding["role"]);
        Assert.Equal($"serviceAccount:{GcpBehaviour.ServiceAccountEmail(args.AppServiceAccountId)}", binding["member"]);
        Assert.Equal(GcpBehaviour.ServiceAccountEmail(args.AppServiceAccountId), Map(Single(mocks, ServiceType).Inputs["template"])["serviceAccount"]);
        Assert.Equal(bucket["name"], Env(mocks)["Ingestion__Gcs__Bucket"]["value"]);
    }

    [Fact]
    public async Task The_credentials_reach_the_app_only_through_a_secret_that_only_the_app_may_read()
    {
        var spec = Specs.Streaming(Specs.ThreeTenantList);
        var args = GcpStreamingEndpointArgs.FromSpec(spec);
        var mocks = ComponentRunner.StreamingMocks();

        var (endpoint, resources) = await RunAsync(mocks, spec);

        var secret = Single(mocks, SecretType).Inputs;
        Assert.Equal(args.SecretId, secret["secretId"]);
        var replicas = List(Map(Map(secret["replication"])["userManaged"])["replicas"]).Select(Map);
        Assert.Equal("europe-west1", Assert.Single(replicas)["location"]);
        var version = Single(mocks, SecretVersionType).Inputs;
        Assert.Equal($"projects/{GcpBehaviour.Project}/secrets/{args.SecretId}", version["secret"]);
        Assert.Equal(await OutputUtilities.GetValueAsync(endpoint.Credentials.Document), version["secretData"]);
        Assert.Contains(ApiKeyOf(mocks, "globex"), (string)version["secretData"], StringComparison.Ordinal);
        var access = Single(mocks, SecretMemberType).Inputs;
        Assert.Equal((args.SecretId, "roles/secretmanager.secretAccessor", $"serviceAccount:{GcpBehaviour.ServiceAccountEmail(args.AppServiceAccountId)}"),
            ((string)access["secretId"], (string)access["role"], (string)access["member"]));

        var env = Env(mocks);
        var reference = Map(Map(env[AppEnvironment.ProvisionedJson]["valueSource"])["secretKeyRef"]);
        Assert.Equal((args.SecretId, "1"), ((string)reference["secret"], (string)reference["version"]));
        Assert.False(env[AppEnvironment.ProvisionedJson].ContainsKey("value"));
        var keys = new[] { "acme", "globex", "initech" }.Select(t => ApiKeyOf(mocks, t)).ToList();
        foreach (var resource in mocks.Created.Where(r => r.Type != SecretVersionType))
            Assert.DoesNotContain(Strings(resource.Inputs), s => keys.Any(k => s.Contains(k, StringComparison.Ordinal)));

        Assert.True(await Output.IsSecretAsync(endpoint.CredentialsJson));
        Assert.True(await Output.IsSecretAsync(endpoint.Credentials.Document));
        Assert.False(await Output.IsSecretAsync(endpoint.EndpointUrl));
        Assert.False(await Output.IsSecretAsync(endpoint.Image));
    }

    [Fact]
    public async Task The_app_runs_the_image_with_its_settings_behind_the_gateway()
    {
        var spec = Specs.Streaming(extra: [Specs.OAuth2, ("app", """{"maxConcurrentRequests": 2000, "maxRequestBodyBytes": 1048576}""")]);
        var args = GcpStreamingEndpointArgs.FromSpec(spec);
        var mocks = ComponentRunner.StreamingMocks();

        await RunAsync(mocks, spec);

        var service = Single(mocks, ServiceType).Inputs;
        Assert.Equal((args.ServiceName, "europe-west1", "INGRESS_TRAFFIC_ALL", false),
            ((string)service["name"], (string)service["location"], (string)service["ingress"], (bool)service["deletionProtection"]));
        var template = Map(service["template"]);
        Assert.Equal(1000.0, template["maxInstanceRequestConcurrency"]);
        Assert.Equal(GcpStreamingEndpoint.RequestTimeout, template["timeout"]);
        Assert.Equal((1.0, 10.0), ((double)Map(template["scaling"])["minInstanceCount"], (double)Map(template["scaling"])["maxInstanceCount"]));
        var container = Container(mocks);
        Assert.Equal(ComponentRunner.PrebuiltImage, container["image"]);
        Assert.Equal(8080.0, Map(container["ports"])["containerPort"]);
        Assert.Equal(new Dictionary<string, object> { ["cpu"] = "1", ["memory"] = "1Gi" }, Map(Map(container["resources"])["limits"]));
        Assert.Equal("/health/live", Map(Map(container["startupProbe"])["httpGet"])["path"]);

        var env = Env(mocks).Where(e => e.Value.ContainsKey("value")).ToDictionary(e => e.Key, e => (string)e.Value["value"]);
        Assert.Equal("X-Forwarded-Authorization", env["Auth__CredentialHeader"]);
        Assert.Equal("http://0.0.0.0:8080", env["Urls"]);
        Assert.Equal("gcs", env["Ingestion__Sink"]);
        Assert.Equal("2000", env["Ingestion__MaxConcurrentRequests"]);
        Assert.Equal("1048576", env["Ingestion__MaxRequestBodyBytes"]);
        Assert.Equal("true", env["Auth__EnableTokenEndpoint"]);
        Assert.Equal($"urn:destinationkit:gcp:{args.ServiceName}", env["Auth__Issuer"]);
        Assert.Equal("60", env["Ingestion__Gcs__RefreshSeconds"]);

        var repository = Single(mocks, RepositoryType).Inputs;
        Assert.Equal((args.RepositoryId, "europe-west1", "DOCKER"), ((string)repository["repositoryId"], (string)repository["location"], (string)repository["format"]));
    }

    [Fact]
    public async Task Every_resource_that_takes_labels_carries_the_user_tags_and_the_reserved_ones()
    {
        var spec = Specs.Streaming(Specs.ThreeTenantList, "Prod.EU", [Specs.OAuth2, ("encryption", "customer-managed"), ("tags", """{"team": "data-platform"}""")]);
        var mocks = ComponentRunner.StreamingMocks();

        await RunAsync(mocks, spec);

        var expected = new Dictionary<string, object>
        {
            ["destination-prefix"] = "aep",
            ["managed-by"] = "destinationkit",
            ["stack"] = "prod-eu",
            ["team"] = "data-platform",
        };
        var labelable = mocks.Created.Where(r => r.Type!.StartsWith("gcp:", StringComparison.Ordinal) && TakesLabels(r.Type)).ToList();
        Assert.Equal(
            new[] { ApiType, ConfigType, ConfigType, GatewayType, GatewayType, RepositoryType, ServiceType, "gcp:kms/cryptoKey:CryptoKey", SecretType, BucketType }
                .Order(StringComparer.Ordinal),
            labelable.Select(r => r.Type!).Order(StringComparer.Ordinal));
        Assert.All(labelable, resource => Assert.Equal(expected, Map(resource.Inputs["labels"])));
    }

    [Fact]
    public async Task Customer_managed_encryption_gives_the_sink_bucket_a_key_in_its_region()
    {
        var spec = Specs.Streaming(extra: ("encryption", "customer-managed"));
        var mocks = ComponentRunner.StreamingMocks();

        await RunAsync(mocks, spec);

        var ring = Single(mocks, "gcp:kms/keyRing:KeyRing");
        Assert.Equal("europe-west1", ring.Inputs["location"]);
        var key = Single(mocks, "gcp:kms/cryptoKey:CryptoKey");
        var keyId = $"projects/{GcpBehaviour.Project}/locations/europe-west1/keyRings/{ring.Name}/cryptoKeys/{key.Name}";
        Assert.Equal(keyId, Map(Single(mocks, BucketType).Inputs["encryption"])["defaultKmsKeyName"]);
        Assert.Equal($"serviceAccount:{GcpBehaviour.StorageServiceAgent}", Single(mocks, "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember").Inputs["member"]);
    }

    [Fact]
    public async Task Every_child_is_parented_to_the_component_which_registers_its_outputs()
    {
        var mocks = ComponentRunner.StreamingMocks();
        var underComponent = new ConcurrentBag<string>();
        var options = new ComponentResourceOptions
        {
            ResourceTransformations = { args => { underComponent.Add(args.Resource.GetResourceName()); return null; } },
        };

        var (endpoint, resources) = await ComponentRunner.RunStreamingAsync(mocks,
            GcpStreamingEndpointArgs.FromSpec(Specs.Streaming(Specs.ThreeTenantList, extra: Specs.OAuth2)), options);

        var names = resources.Select(r => r.GetResourceName()).Where(n => n != "streaming").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(names, underComponent.Where(n => n != "streaming").Order(StringComparer.Ordinal));
        var urn = await OutputUtilities.GetValueAsync(endpoint.Urn);
        Assert.EndsWith($"{GcpStreamingEndpoint.TypeToken}::streaming", urn, StringComparison.Ordinal);
        Assert.Contains(urn, mocks.RegisteredOutputs);
    }

    [Fact]
    public void Names_are_valid_for_google_cloud_and_stable()
    {
        var args = GcpStreamingEndpointArgs.FromSpec(Specs.Streaming(extra: ("namePrefix", "longprefix")));
        string[] ids = [args.ServiceName, args.RepositoryId, args.ApiId, args.GatewayId, args.JwksGatewayId, args.SecretId];

        Assert.Equal(ids, Ids(GcpStreamingEndpointArgs.FromSpec(Specs.Streaming(extra: ("namePrefix", "longprefix")))));
        Assert.All(ids, id => Assert.Matches("^[a-z][a-z0-9-]{2,48}[a-z0-9]$", id));
        Assert.Null(NameRules.GcpServiceAccountId(args.AppServiceAccountId));
        Assert.Null(NameRules.GcpServiceAccountId(args.GatewayServiceAccountId));
        Assert.Matches("^[a-zA-Z0-9_.]{3,64}$", args.SinkRoleId);
        Assert.Equal(6, ids.Distinct().Count());
        Assert.Empty(ids.Intersect(Ids(GcpStreamingEndpointArgs.FromSpec(Specs.Streaming(stack: "other", extra: ("namePrefix", "longprefix"))))));
    }

    private static string[] Ids(GcpStreamingEndpointArgs args) => [args.ServiceName, args.RepositoryId, args.ApiId, args.GatewayId, args.JwksGatewayId, args.SecretId];

    [Fact]
    public async Task A_spec_for_another_target_is_rejected_before_any_resource()
    {
        var mocks = ComponentRunner.StreamingMocks();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => ComponentRunner.RunStreamingAsync(mocks, GcpStreamingEndpointArgs.FromSpec(Specs.Gcs())));

        Assert.Contains("target gcp", error.Message, StringComparison.Ordinal);
        Assert.Empty(mocks.Created);
    }

    [Fact]
    public void Token_urls_are_added_to_oauth_clients_only()
    {
        var json = GcpStreamingEndpoint.WithTokenUrl("""{"acme":{"clientId":"acme-aep","clientSecret":"s"},"globex":{"apiKey":"k"}}""", "https://gw.example/");

        Assert.Equal("""{"acme":{"clientId":"acme-aep","clientSecret":"s","tokenUrl":"https://gw.example/oauth2/token"},"globex":{"apiKey":"k"}}""", json);
    }

    private static IEnumerable<(string Method, string Path, JsonObject Operation)> Operations(JsonObject document) =>
        document["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(o => (o.Key.ToUpperInvariant(), p.Key, o.Value!.AsObject())));

    /// <summary>The main gateway's document with the app's tokens, for one service; placeholders filled in by the test.</summary>
    private const string ExpectedOAuthDocument = """
        {
          "swagger": "2.0",
          "info": {
            "title": "Acme Audiences",
            "description": "DestinationKit ingestion app behind API Gateway (generated; docs/gcp.md).",
            "version": "1.0.0"
          },
          "schemes": [
            "https"
          ],
          "produces": [
            "application/json"
          ],
          "x-google-backend": {
            "address": "{backend}",
            "path_translation": "APPEND_PATH_TO_ADDRESS",
            "deadline": 60
          },
          "securityDefinitions": {
            "destinationkit_jwt": {
              "authorizationUrl": "",
              "flow": "implicit",
              "type": "oauth2",
              "x-google-issuer": "{issuer}",
              "x-google-jwks_uri": "{jwks}",
              "x-google-audiences": "destinationkit-ingestion"
            }
          },
          "paths": {
            "/oauth2/token": {
              "post": {
                "operationId": "post_oauth2_token",
                "responses": {
                  "default": {
                    "description": "Whatever the ingestion app answers (docs/app.md)."
                  }
                }
              }
            },
            "/.well-known/openid-configuration": {
              "get": {
                "operationId": "get_well_known_openid_configuration",
                "responses": {
                  "default": {
                    "description": "Whatever the ingestion app answers (docs/app.md)."
                  }
                }
              }
            },
            "/.well-known/jwks.json": {
              "get": {
                "operationId": "get_well_known_jwks_json",
                "responses": {
                  "default": {
                    "description": "Whatever the ingestion app answers (docs/app.md)."
                  }
                }
              }
            },
            "/health/live": {
              "get": {
                "operationId": "get_health_live",
                "responses": {
                  "default": {
                    "description": "Whatever the ingestion app answers (docs/app.md)."
                  }
                }
              }
            },
            "/health/ready": {
              "get": {
                "operationId": "get_health_ready",
                "responses": {
                  "default": {
                    "description": "Whatever the ingestion app answers (docs/app.md)."
                  }
                }
              }
            },
            "/v1/profiles": {
              "post": {
                "operationId": "post_v1_profiles",
                "security": [
                  {
                    "destinationkit_jwt": []
                  }
                ],
                "responses": {
                  "default": {
                    "description": "Whatever the ingestion app answers (docs/app.md)."
                  }
                }
              },
              "get": {
                "operationId": "get_v1_profiles",
                "security": [
                  {
                    "destinationkit_jwt": []
                  }
                ],
                "responses": {
                  "default": {
                    "description": "Whatever the ingestion app answers (docs/app.md)."
                  }
                }
              }
            },
            "/v1/profiles/{namespace}/{id}": {
              "get": {
                "operationId": "get_v1_profiles_namespace_id",
                "parameters": [
                  {
                    "name": "namespace",
                    "in": "path",
                    "required": true,
                    "type": "string"
                  },
                  {
                    "name": "id",
                    "in": "path",
                    "required": true,
                    "type": "string"
                  }
                ],
                "security": [
                  {
                    "destinationkit_jwt": []
                  }
                ],
                "responses": {
                  "default": {
                    "description": "Whatever the ingestion app answers (docs/app.md)."
                  }
                }
              }
            },
            "/v1/audiences": {
              "post": {
                "operationId": "post_v1_audiences",
                "security": [
                  {
                    "destinationkit_jwt": []
                  }
                ],
                "responses": {
                  "default": {
                    "description": "Whatever the ingestion app answers (docs/app.md)."
                  }
                }
              },
              "get": {
                "operationId": "get_v1_audiences",
                "security": [
                  {
                    "destinationkit_jwt": []
                  }
                ],
                "responses": {
                  "default": {
                    "description": "Whatever the ingestion app answers (docs/app.md)."
                  }
                }
              }
            },
            "/v1/audiences/{audienceId}": {
              "get": {
                "operationId": "get_v1_audiences_audienceId",
                "parameters": [
                  {
                    "name": "audienceId",
                    "in": "path",
                    "required": true,
                    "type": "string"
                  }
                ],
                "security": [
                  {
                    "destinationkit_jwt": []
                  }
                ],
                "responses": {
                  "default": {
                    "description": "Whatever the ingestion app answers (docs/app.md)."
                  }
                }
              },
              "put": {
                "operationId": "put_v1_audiences_audienceId",
                "parameters": [
                  {
                    "name": "audienceId",
                    "in": "path",
                    "required": true,
                    "type": "string"
                  }
                ],
                "security": [
                  {
                    "destinationkit_jwt": []
                  }
                ],
                "responses": {
                  "default": {
                    "description": "Whatever the ingestion app answers (docs/app.md)."
                  }
                }
              },
              "delete": {
                "operationId": "delete_v1_audiences_audienceId",
                "parameters": [
                  {
                    "name": "audienceId",
                    "in": "path",
                    "required": true,
                    "type": "string"
                  }
                ],
                "security": [
                  {
                    "destinationkit_jwt": []
                  }
                ],
                "responses": {
                  "default": {
                    "description": "Whatever the ingestion app answers (docs/app.md)."
                  }
                }
              }
            },
            "/v1/audiences/{audienceId}/members": {
              "get": {
                "operationId": "get_v1_audiences_audienceId_members",
                "parameters": [
                  {
                    "name": "audienceId",
                    "in": "path",
                    "required": true,
                    "type": "string"
                  }
                ],
                "security": [
                  {
                    "destinationkit_jwt": []
                  }
                ],
                "responses": {
                  "default": {
                    "description": "Whatever the ingestion app answers (docs/app.md)."
                  }
                }
              }
            }
          }
        }
        """;
}
