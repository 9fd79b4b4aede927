using System.Text.Json;
using System.Xml.Linq;
using DestinationKit.Azure.Streaming;
using DestinationKit.Model.Naming;
using DestinationKit.Model.Permissions;
using DestinationKit.Streaming;
using Pulumi;
using Pulumi.Testing;
using Pulumi.Utilities;
using static DestinationKit.Azure.Tests.Graph;

namespace DestinationKit.Azure.Tests.Streaming;

public class StreamingEndpointTests
{
    private const string PlanType = "azure-native:web:AppServicePlan";
    private const string WebAppType = "azure-native:web:WebApp";
    private const string SettingsType = "azure-native:web:WebAppApplicationSettings";
    private const string VaultType = "azure-native:keyvault:Vault";
    private const string SecretType = "azure-native:keyvault:Secret";
    private const string BlobType = "azure-native:storage:Blob";
    private const string GatewayType = "azure-native:apimanagement:ApiManagementService";
    private const string ApiType = "azure-native:apimanagement:Api";
    private const string OperationType = "azure-native:apimanagement:ApiOperation";
    private const string OperationPolicyType = "azure-native:apimanagement:ApiOperationPolicy";
    private const string ApiPolicyType = "azure-native:apimanagement:ApiPolicy";
    private const string NamedValueType = "azure-native:apimanagement:NamedValue";
    private const string PasswordType = "random:index/randomPassword:RandomPassword";
    private const string SasToken = "azure-native:storage:listStorageAccountServiceSAS";

    private static IReadOnlyDictionary<string, object> AppSettings(RecordingMocks mocks) => Map(Single(mocks, SettingsType).Inputs["properties"]);

    private static string Setting(RecordingMocks mocks, string key) => (string)AppSettings(mocks)[key];

    /// <summary>Every generated password's value, as the Random provider returned it.</summary>
    private static IEnumerable<string> Passwords(RecordingMocks mocks) =>
        mocks.OfType(PasswordType).Select(p => RandomBehaviour.Password(p.Name!, Convert.ToInt32(p.Inputs["length"], System.Globalization.CultureInfo.InvariantCulture), false));

    [Fact]
    public async Task One_tenant_with_api_keys_gets_the_app_behind_the_gateway_and_its_key()
    {
        var spec = StreamingSpecs.ApiKey();
        var names = new ResourceNames(spec);

        var (endpoint, mocks, _) = await StreamingSpecs.Run(spec);

        Assert.Equal(new Dictionary<string, int>
        {
            [StreamingEndpoint.TypeToken] = 1, [AppCredentials.TypeToken] = 1, [ResourceGroupType] = 1, [AccountType] = 2, [ContainerType] = 2,
            [PolicyType] = 1, [BlobType] = 1, [PlanType] = 1, [WebAppType] = 1, [SettingsType] = 1, [RoleAssignmentType] = 2,
            [VaultType] = 1, [SecretType] = 2, [GatewayType] = 1, [ApiType] = 1, [NamedValueType] = 1, [ApiPolicyType] = 1,
            [OperationType] = GatewayOperations.Data.Length + 2, [OperationPolicyType] = GatewayOperations.Data.Length,
            [PasswordType] = 2, [PrivateKeyType] = 1,
        }, Counts(mocks));
        Assert.Equal($"https://{names.ApiManagement}.azure-api.net/", await OutputUtilities.GetValueAsync(endpoint.EndpointUrl));
        Assert.Null(endpoint.TokenUrl);
        Assert.Equal($"{names.WebApp}.azurewebsites.net", await OutputUtilities.GetValueAsync(endpoint.AppHostName));

        var credentials = JsonDocument.Parse(await OutputUtilities.GetValueAsync(endpoint.CredentialsJson)).RootElement;
        var key = credentials.GetProperty("acme").GetProperty("apiKey").GetString()!;
        Assert.StartsWith(AppCredentials.ApiKeyPrefix, key, StringComparison.Ordinal);
        Assert.Contains(key[AppCredentials.ApiKeyPrefix.Length..], Passwords(mocks));
    }

    [Fact]
    public async Task Three_tenants_with_oauth2_get_a_client_each_and_the_token_url_through_the_gateway()
    {
        var spec = StreamingSpecs.OAuth2App(Specs.ThreeTenants);
        var gateway = AzureStreamingBehaviour.GatewayUrl(new ResourceNames(spec).ApiManagement);

        var (endpoint, mocks, _) = await StreamingSpecs.Run(spec);

        Assert.Equal($"{gateway}/oauth2/token", await OutputUtilities.GetValueAsync(endpoint.TokenUrl!));
        var credentials = JsonDocument.Parse(await OutputUtilities.GetValueAsync(endpoint.CredentialsJson)).RootElement;
        Assert.Equal(["acme", "globex-corp", "initech"], credentials.EnumerateObject().Select(p => p.Name));
        foreach (var tenant in credentials.EnumerateObject())
        {
            Assert.Equal($"{tenant.Name}-aep", tenant.Value.GetProperty("clientId").GetString());
            Assert.Contains(tenant.Value.GetProperty("clientSecret").GetString()!, Passwords(mocks));
            Assert.Equal($"{gateway}/oauth2/token", tenant.Value.GetProperty("tokenUrl").GetString());
        }
        // Token, discovery and JWKS are served through the gateway, without a caller check.
        var templates = mocks.OfType(OperationType).Select(o => $"{o.Inputs["method"]} {o.Inputs["urlTemplate"]}").ToList();
        Assert.Contains("POST /oauth2/token", templates);
        Assert.Contains("GET /.well-known/openid-configuration", templates);
        Assert.Contains("GET /.well-known/jwks.json", templates);
        Assert.Equal(GatewayOperations.Data.Length, mocks.OfType(OperationPolicyType).Count);
        // The app's tokens name the gateway as issuer and it publishes that URL.
        Assert.Equal(gateway, Setting(mocks, "Auth__Issuer"));
        Assert.Equal(gateway, Setting(mocks, "Auth__PublicBaseUrl"));
        Assert.Equal("true", Setting(mocks, "Auth__EnableTokenEndpoint"));
    }

    public static TheoryData<string> AuthModes => ["api-key", "oauth2-app", "oauth2-external"];

    private static Model.Spec.DestinationSpec SpecFor(string mode) => mode switch
    {
        "api-key" => StreamingSpecs.ApiKey(Specs.ThreeTenants),
        "oauth2-app" => StreamingSpecs.OAuth2App(Specs.ThreeTenants),
        _ => StreamingSpecs.OAuth2External(),
    };

    [Theory]
    [MemberData(nameof(AuthModes))]
    public async Task Every_data_operation_has_the_caller_check_after_the_apis_rate_limit_and_origin_header(string mode)
    {
        var spec = SpecFor(mode);
        var gateway = AzureStreamingBehaviour.GatewayUrl(new ResourceNames(spec).ApiManagement);

        var (_, mocks, args) = await StreamingSpecs.Run(spec);

        var api = XDocument.Parse((string)Single(mocks, ApiPolicyType).Inputs["value"]).Root!;
        var apiInbound = api.Element("inbound")!;
        var rateLimit = apiInbound.Element("rate-limit")!;
        Assert.Equal(args.RateLimit.Calls.ToString(System.Globalization.CultureInfo.InvariantCulture), rateLimit.Attribute("calls")!.Value);
        Assert.Equal(args.RateLimit.RenewalPeriodSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), rateLimit.Attribute("renewal-period")!.Value);
        var origin = apiInbound.Element("set-header")!;
        Assert.Equal((GatewayPolicies.OriginSecretHeader, "override", "{{gateway-origin-secret}}"),
            (origin.Attribute("name")!.Value, origin.Attribute("exists-action")!.Value, origin.Element("value")!.Value));
        Assert.Equal(GatewayPolicies.OriginSecretNamedValue, Single(mocks, NamedValueType).Inputs["namedValueId"]);
        Assert.Equal(true, Single(mocks, NamedValueType).Inputs["secret"]);

        var operations = mocks.OfType(OperationType).ToDictionary(o => (string)o.Inputs["operationId"]);
        var policies = mocks.OfType(OperationPolicyType).ToDictionary(p => (string)p.Inputs["operationId"]);
        foreach (var data in GatewayOperations.Data)
        {
            var operation = operations[data.OperationId];
            Assert.Equal((data.Method, data.UrlTemplate), ((string)operation.Inputs["method"], (string)operation.Inputs["urlTemplate"]));
            var inbound = XDocument.Parse((string)policies[data.OperationId].Inputs["value"]).Root!.Element("inbound")!;
            var elements = inbound.Elements().ToList();
            Assert.Equal("base", elements[0].Name.LocalName);
            if (mode == "api-key")
            {
                var when = elements[1].Element("when")!;
                Assert.Contains("StartsWith(\"Bearer \"", when.Attribute("condition")!.Value, StringComparison.Ordinal);
                Assert.Equal("401", when.Element("return-response")!.Element("set-status")!.Attribute("code")!.Value);
            }
            else
            {
                var jwt = elements[1];
                Assert.Equal("validate-jwt", jwt.Name.LocalName);
                Assert.Equal(("Authorization", "Bearer", "401"),
                    (jwt.Attribute("header-name")!.Value, jwt.Attribute("require-scheme")!.Value, jwt.Attribute("failed-validation-httpcode")!.Value));
                var (config, issuer, audience) = mode == "oauth2-app"
                    ? ($"{gateway}/.well-known/openid-configuration", gateway, AppEnvironment.Audience)
                    : ("https://login.example.test/tenant/v2.0/.well-known/openid-configuration", "https://login.example.test/tenant/v2.0", "api://acme-ingestion");
                Assert.Equal(config, jwt.Element("openid-config")!.Attribute("url")!.Value);
                Assert.Equal(issuer, jwt.Element("issuers")!.Element("issuer")!.Value);
                Assert.Equal(audience, jwt.Element("audiences")!.Element("audience")!.Value);
            }
        }
        // Open operations (health, and the app's token routes) carry no caller check; nothing else is exposed.
        var open = operations.Keys.Except(policies.Keys).Select(id => $"{operations[id].Inputs["method"]} {operations[id].Inputs["urlTemplate"]}").Order();
        Assert.Equal(AppEnvironment.UnauthenticatedRoutes.Where(r => mode == "oauth2-app" || r.Path.StartsWith("/health/", StringComparison.Ordinal))
            .Select(r => $"{r.Method} {r.Path}").Order(), open);
        Assert.DoesNotContain(operations.Values, o => ((string)o.Inputs["urlTemplate"]).StartsWith("/admin", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Template_parameters_are_declared_for_every_route_segment()
    {
        var (_, mocks, _) = await StreamingSpecs.Run(StreamingSpecs.ApiKey());

        var members = Assert.Single(mocks.OfType(OperationType), o => (string)o.Inputs["urlTemplate"] == "/v1/audiences/{audienceId}/members");
        var parameter = Map(Assert.Single(List(members.Inputs["templateParameters"])));
        Assert.Equal(("audienceId", "string", true), ((string)parameter["name"], (string)parameter["type"], (bool)parameter["required"]));
        Assert.All(mocks.OfType(OperationType), o => Assert.Matches("^[a-z0-9-]+$", (string)o.Inputs["operationId"]));
    }

    [Fact]
    public async Task Storage_takes_only_https_with_tls_1_2_and_serves_nothing_anonymously_and_the_sink_refuses_shared_keys()
    {
        var spec = StreamingSpecs.ApiKey();
        var names = new ResourceNames(spec);

        var (_, mocks, _) = await StreamingSpecs.Run(spec);

        foreach (var account in mocks.OfType(AccountType))
        {
            Assert.Equal(true, account.Inputs["enableHttpsTrafficOnly"]);
            Assert.Equal("TLS1_2", account.Inputs["minimumTlsVersion"]);
            Assert.Equal(false, account.Inputs["allowBlobPublicAccess"]);
            Assert.Equal(false, account.Inputs["allowCrossTenantReplication"]);
        }
        Assert.Equal(false, Named(mocks, AccountType, "streaming-sink").Inputs["allowSharedKeyAccess"]);
        Assert.Equal(names.StorageAccount, Named(mocks, AccountType, "streaming-sink").Inputs["accountName"]);
        Assert.Equal(names.AppPackageStorageAccount, Named(mocks, AccountType, "streaming-package").Inputs["accountName"]);
        Assert.All(mocks.OfType(ContainerType), c => Assert.Equal("None", c.Inputs["publicAccess"]));
        Assert.Null(NameRules.AzureStorageAccount(names.AppPackageStorageAccount));
    }

    [Fact]
    public async Task The_app_and_gateway_take_only_https()
    {
        var spec = StreamingSpecs.ApiKey();
        var names = new ResourceNames(spec);

        var (_, mocks, _) = await StreamingSpecs.Run(spec);

        var app = Single(mocks, WebAppType).Inputs;
        Assert.Equal(true, app["httpsOnly"]);
        Assert.Equal("SystemAssigned", Map(app["identity"])["type"]);
        var site = Map(app["siteConfig"]);
        Assert.Equal(("1.2", "1.2", "Disabled"), ((string)site["minTlsVersion"], (string)site["scmMinTlsVersion"], (string)site["ftpsState"]));
        Assert.Equal((StreamingEndpoint.LinuxFxVersion, StreamingEndpoint.StartupCommand), ((string)site["linuxFxVersion"], (string)site["appCommandLine"]));
        var api = Single(mocks, ApiType).Inputs;
        Assert.Equal(["https"], List(api["protocols"]));
        Assert.Equal($"https://{names.WebApp}.azurewebsites.net", api["serviceUrl"]);
        Assert.Equal(false, api["subscriptionRequired"]);
        Assert.Equal("Consumption", Map(Single(mocks, GatewayType).Inputs["sku"])["name"]);
        Assert.Null(NameRules.AzureWebApp(names.WebApp));
        Assert.Null(NameRules.AzureWebApp(names.AppServicePlan));
        Assert.Null(NameRules.AzureApiManagement(names.ApiManagement));
    }

    [Fact]
    public async Task Role_assignments_give_the_apps_identity_blob_access_on_its_container_and_secret_reads_on_its_vault()
    {
        var spec = StreamingSpecs.ApiKey();
        var names = new ResourceNames(spec);

        var (_, mocks, _) = await StreamingSpecs.Run(spec);

        var sink = Named(mocks, RoleAssignmentType, "streaming-app-sink").Inputs;
        Assert.Equal(AzureRoles.ContainerScope(AzureBehaviour.StorageAccountId(names.ResourceGroup, names.StorageAccount), StreamingEndpointArgs.SinkContainer), sink["scope"]);
        Assert.Equal(AzureRoles.RoleDefinitionId(AzureBehaviour.SubscriptionId, AzureRoles.StorageBlobDataContributor), sink["roleDefinitionId"]);
        Assert.Equal("/subscriptions/00000000-0000-4000-8000-000000000001/providers/Microsoft.Authorization/roleDefinitions/ba92f5b4-2d11-453d-a403-e96b0029c9fe", sink["roleDefinitionId"]);
        var vault = Named(mocks, RoleAssignmentType, "streaming-app-vault").Inputs;
        Assert.Equal($"{AzureBehaviour.ResourceGroupId(names.ResourceGroup)}/providers/Microsoft.KeyVault/vaults/{AzureStreamingBehaviour.AutoName("streaming-kv")}", vault["scope"]);
        Assert.Equal("/subscriptions/00000000-0000-4000-8000-000000000001/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6", vault["roleDefinitionId"]);
        foreach (var assignment in new[] { sink, vault })
        {
            Assert.Equal(AzureStreamingBehaviour.AppPrincipalId, assignment["principalId"]);
            Assert.Equal("ServicePrincipal", assignment["principalType"]);
        }
        var properties = Map(Single(mocks, VaultType).Inputs["properties"]);
        Assert.Equal(true, properties["enableRbacAuthorization"]);
        Assert.Equal(AzureBehaviour.DirectoryTenantId, properties["tenantId"]);
        Assert.False(properties.ContainsKey("accessPolicies"));
    }

    [Theory]
    [MemberData(nameof(AuthModes))]
    public async Task Secrets_reach_the_app_as_key_vault_references_never_as_plain_settings(string mode)
    {
        var (_, mocks, _) = await StreamingSpecs.Run(SpecFor(mode));

        var vault = AzureStreamingBehaviour.AutoName("streaming-kv");
        var secrets = mocks.OfType(SecretType).ToDictionary(s => (string)s.Inputs["secretName"], s => (string)Map(s.Inputs["properties"])["value"]);
        Assert.Equal([StreamingEndpoint.DocumentSecretName, StreamingEndpoint.OriginSecretName], secrets.Keys.Order(StringComparer.Ordinal).Reverse());
        var document = JsonDocument.Parse(secrets[StreamingEndpoint.DocumentSecretName]).RootElement;
        Assert.Equal(1, document.GetProperty("version").GetInt32());
        Assert.Equal(mode == "oauth2-external" ? ["acme"] : ["acme", "globex-corp", "initech"], document.GetProperty("tenants").EnumerateObject().Select(t => t.Name));
        foreach (var (name, setting) in new[] { (StreamingEndpoint.DocumentSecretName, AppEnvironment.ProvisionedJson), (StreamingEndpoint.OriginSecretName, "Gateway__SharedSecret") })
        {
            var uri = $"{AzureStreamingBehaviour.SecretUri(vault, name)}/{AzureStreamingBehaviour.SecretVersion(secrets[name])}";
            Assert.Equal($"@Microsoft.KeyVault(SecretUri={uri})", Setting(mocks, setting));
        }
        var values = AppSettings(mocks).Values.Cast<string>().ToList();
        foreach (var secret in Passwords(mocks).Concat(secrets.Values))
            Assert.DoesNotContain(values, v => v.Contains(secret, StringComparison.Ordinal));
        Assert.DoesNotContain(values, v => v.Contains("PRIVATE KEY", StringComparison.Ordinal));
        // The gateway sends the same secret the app requires.
        Assert.Equal(secrets[StreamingEndpoint.OriginSecretName], Single(mocks, NamedValueType).Inputs["value"]);
        Assert.Equal(GatewayPolicies.OriginSecretHeader, Setting(mocks, "Gateway__HeaderName"));
    }

    [Fact]
    public async Task Settings_point_the_app_at_its_blob_sink_with_its_identity_and_at_the_gateway()
    {
        var spec = StreamingSpecs.ApiKey();
        var names = new ResourceNames(spec);

        var (_, mocks, _) = await StreamingSpecs.Run(spec);

        Assert.Equal("blob", Setting(mocks, "Ingestion__Sink"));
        Assert.Equal($"https://{names.StorageAccount}.blob.core.windows.net", Setting(mocks, "Ingestion__Blob__ServiceUri"));
        Assert.Equal(StreamingEndpointArgs.SinkContainer, Setting(mocks, "Ingestion__Blob__Container"));
        Assert.DoesNotContain(AppSettings(mocks).Keys, k => k.Contains("ConnectionString", StringComparison.Ordinal) || k.Contains("AccountKey", StringComparison.Ordinal));
        Assert.Equal("8080", Setting(mocks, "WEBSITES_PORT"));
        Assert.Equal("false", Setting(mocks, "Auth__EnableTokenEndpoint"));
    }

    [Fact]
    public async Task The_package_is_the_app_folder_zipped_and_read_through_a_time_bound_read_only_sas_on_that_blob()
    {
        var spec = StreamingSpecs.ApiKey();
        var names = new ResourceNames(spec);

        var (endpoint, mocks, args) = await StreamingSpecs.Run(spec);

        var blob = Single(mocks, BlobType).Inputs;
        var archive = Assert.IsType<FileArchive>(blob["source"]);
        // The SDK keeps an archive's path internal; it is what the engine zips and uploads.
        Assert.Equal(args.AppFolder, typeof(AssetOrArchive).GetProperty("Value", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(archive));
        Assert.Equal((names.AppPackageStorageAccount, StreamingEndpointArgs.PackageContainer), ((string)blob["accountName"], (string)blob["containerName"]));
        var call = Assert.Single(mocks.Calls, c => c.Token == SasToken).Args;
        var blobName = AzureStreamingBehaviour.AutoName("streaming-app-zip");
        Assert.Equal($"/blob/{names.AppPackageStorageAccount}/{StreamingEndpointArgs.PackageContainer}/{blobName}", call["canonicalizedResource"]);
        Assert.Equal(("b", "r", "https"), ((string)call["resource"], (string)call["permissions"], (string)call["protocols"]));
        Assert.Equal(("2026-01-01T00:00:00Z", "2028-01-01T00:00:00Z"), ((string)call["sharedAccessStartTime"], (string)call["sharedAccessExpiryTime"]));
        var url = $"https://{names.AppPackageStorageAccount}.blob.core.windows.net/{StreamingEndpointArgs.PackageContainer}/{blobName}?"
            + AzureStreamingBehaviour.SasToken((string)call["canonicalizedResource"], "2028-01-01T00:00:00Z");
        Assert.Equal(url, Setting(mocks, "WEBSITE_RUN_FROM_PACKAGE"));
        Assert.Equal(url, await OutputUtilities.GetValueAsync(endpoint.PackageUrl));
    }

    [Fact]
    public async Task Credentials_and_the_package_url_are_secret()
    {
        var (endpoint, _, _) = await StreamingSpecs.Run(StreamingSpecs.ApiKey());

        Assert.True(await Output.IsSecretAsync(endpoint.CredentialsJson));
        Assert.True(await Output.IsSecretAsync(endpoint.PackageUrl));
        Assert.False(await Output.IsSecretAsync(endpoint.EndpointUrl));
    }

    [Fact]
    public async Task Every_resource_that_takes_tags_is_tagged()
    {
        var (_, mocks, _) = await StreamingSpecs.Run(StreamingSpecs.ApiKey(extra: ("tags", """{"team": "data-platform"}""")));

        // An API Management named value's "tags" are a list of labels inside the gateway, not Azure resource tags.
        var tagged = mocks.Created.Where(r => r.Type!.StartsWith("azure-native:", StringComparison.Ordinal) && r.Type != NamedValueType && TakesTags(r.Type)).ToList();
        Assert.Contains(tagged, r => r.Type == WebAppType);
        Assert.Contains(tagged, r => r.Type == GatewayType);
        Assert.Contains(tagged, r => r.Type == VaultType);
        Assert.All(tagged, r => Assert.Equal(ExpectedTags, Map(r.Inputs["tags"]).ToDictionary(t => t.Key, t => t.Value)));
    }
}
