using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DestinationKit.Azure;
using DestinationKit.Model.Aep;
using DestinationKit.Model.Configuration;
using DestinationKit.Model.Naming;
using DestinationKit.Model.Spec;
using Pulumi;
using Pulumi.Utilities;

namespace DestinationKit.Infra.Tests;

/// <summary>The stack with the Azure batch targets azure-blob, azure-adls and sftp on azure: the landing zone is
/// created from the configuration, and the stack exports the resource group, the account (and SFTP host), the tenants'
/// credentials (secret) and the AEP configuration for the deployed account.</summary>
public class AzureStackTests
{
    private const string Tenants = """["acme", {"id": "globex-corp", "name": "Globex Corporation"}, "initech"]""";

    private const string AdlsTenants = """
        [
          {"id": "acme", "servicePrincipalObjectId": "10000000-0000-4000-8000-0000000000a1", "servicePrincipalClientId": "10000000-0000-4000-8000-0000000000c1"},
          {"id": "globex-corp", "servicePrincipalObjectId": "10000000-0000-4000-8000-0000000000a2", "servicePrincipalClientId": "10000000-0000-4000-8000-0000000000c2"},
          {"id": "initech", "servicePrincipalObjectId": "10000000-0000-4000-8000-0000000000a3", "servicePrincipalClientId": "10000000-0000-4000-8000-0000000000c3"}
        ]
        """;

    private static readonly string[] TenantIds = ["acme", "globex-corp", "initech"];

    /// <summary>Three tenants on <paramref name="target"/> in westeurope; <paramref name="changes"/> add keys or replace them.</summary>
    private static Dictionary<string, string> AzureConfig(string target, params (string Key, string Value)[] changes)
    {
        var config = StackRunner.Config(
            ("mode", "batch"),
            ("target", target),
            ("region", "westeurope"),
            ("tenants", target == "azure-adls" ? AdlsTenants : Tenants),
            ("destinationName", "Acme Audiences"));
        if (target == "sftp") config["destination:cloud"] = "azure";
        foreach (var (key, value) in changes) config[$"destination:{key}"] = value;
        return config;
    }

    private static DestinationSpec Spec(Dictionary<string, string> config) =>
        DestinationSpecParser.Parse(StackConfiguration.From(StackRunner.Project, StackRunner.Stack, config));

    private static async Task<(DestinationStack Stack, RecordingMocks Mocks)> Deploy(Dictionary<string, string> config)
    {
        var mocks = StackRunner.NewMocks();
        var resources = await StackRunner.RunAsync(mocks, config);
        return (Assert.Single(resources.OfType<DestinationStack>()), mocks);
    }

    private static async Task<JsonDocument> Credentials(DestinationStack stack)
    {
        Assert.True(await Output.IsSecretAsync(stack.Credentials));
        var json = await OutputUtilities.GetValueAsync(stack.Credentials) ?? "";
        Assert.DoesNotContain("\\u002B", json, StringComparison.Ordinal);
        var credentials = JsonDocument.Parse(json);
        Assert.Equal(TenantIds, credentials.RootElement.EnumerateObject().Select(p => p.Name));
        return credentials;
    }

    [Theory]
    [InlineData("azure-blob", "FILE_BASED_AZURE_BLOB", "AZURE_CONNECTION_STRING")]
    [InlineData("azure-adls", "FILE_BASED_ADLS_GEN2", "AZURE_SERVICE_PRINCIPAL")]
    [InlineData("sftp", "FILE_BASED_SFTP", "SFTP_WITH_SSH_KEY")]
    public async Task Each_azure_target_deploys_its_landing_zone_and_exports_the_builders_aep_configuration(string target, string serverType, string authType)
    {
        var config = AzureConfig(target);
        var spec = Spec(config);
        var names = new ResourceNames(spec);

        var (stack, mocks) = await Deploy(config);

        Assert.Equal(target, await OutputUtilities.GetValueAsync(stack.Target));
        Assert.Equal(names.ResourceGroup, await OutputUtilities.GetValueAsync(stack.ResourceGroup));
        Assert.Equal(names.StorageAccount, await OutputUtilities.GetValueAsync(stack.StorageAccount));
        Assert.Null(await OutputUtilities.GetValueAsync(stack.Bucket));
        Assert.Single(mocks.OfType("azure-native:resources:ResourceGroup"));
        Assert.Single(mocks.OfType("azure-native:storage:StorageAccount"));
        Assert.Equal(3, mocks.OfType("azure-native:storage:BlobContainer").Count);

        var exported = await OutputUtilities.GetValueAsync(stack.AepConfiguration);
        Assert.Equal(AepConfigurationBuilder.Build(spec, DeploymentFacts.None).ToJson(), exported);
        Assert.False(await Output.IsSecretAsync(stack.AepConfiguration));
        using var document = JsonDocument.Parse(exported);
        Assert.Equal(serverType, document.RootElement.GetProperty("destinationServer").GetProperty("destinationServerType").GetString());
        Assert.Equal(authType, document.RootElement.GetProperty("destinationConfiguration")
            .GetProperty("customerAuthenticationConfigurations")[0].GetProperty("authType").GetString());
        Assert.Contains(names.StorageAccount, exported, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Azure_blob_credentials_hold_each_tenants_connection_string_account_and_container()
    {
        var config = AzureConfig("azure-blob");
        var account = new ResourceNames(Spec(config)).StorageAccount;

        var (stack, _) = await Deploy(config);

        Assert.Null(await OutputUtilities.GetValueAsync(stack.SftpHost));
        using var credentials = await Credentials(stack);
        foreach (var tenant in credentials.RootElement.EnumerateObject())
        {
            Assert.Equal(["connectionString", "storageAccount", "container", "customerData"], tenant.Value.EnumerateObject().Select(p => p.Name));
            Assert.Equal($"DefaultEndpointsProtocol=https;AccountName={account};AccountKey={AzureBehaviour.AccountKey(account, "key1")};EndpointSuffix=core.windows.net",
                tenant.Value.GetProperty("connectionString").GetString());
            Assert.Equal(account, tenant.Value.GetProperty("storageAccount").GetString());
            Assert.Equal(tenant.Name, tenant.Value.GetProperty("container").GetString());
            Assert.Equal($$"""{"tenantId":"{{tenant.Name}}"}""", tenant.Value.GetProperty("customerData").GetRawText());
        }
    }

    [Fact]
    public async Task Azure_blob_with_an_account_per_tenant_exports_no_single_account_and_each_tenants_own()
    {
        var config = AzureConfig("azure-blob", ("accountPerTenant", "true"));
        var spec = Spec(config);
        var names = new ResourceNames(spec);

        var (stack, mocks) = await Deploy(config);

        Assert.Null(await OutputUtilities.GetValueAsync(stack.StorageAccount));
        Assert.Equal(3, mocks.OfType("azure-native:storage:StorageAccount").Count);
        Assert.Equal(AepConfigurationBuilder.Build(spec, DeploymentFacts.None).ToJson(), await OutputUtilities.GetValueAsync(stack.AepConfiguration));
        using var aep = JsonDocument.Parse(await OutputUtilities.GetValueAsync(stack.AepConfiguration));
        var customerFields = aep.RootElement.GetProperty("destinationConfiguration").GetProperty("customerDataFields")
            .EnumerateArray().Select(f => f.GetProperty("name").GetString()).ToList();
        using var credentials = await Credentials(stack);
        foreach (var tenant in credentials.RootElement.EnumerateObject())
        {
            var account = names.TenantStorageAccount(tenant.Name);
            Assert.Equal(account, tenant.Value.GetProperty("storageAccount").GetString());
            Assert.Contains($"AccountName={account};AccountKey={AzureBehaviour.AccountKey(account, "key1")};", tenant.Value.GetProperty("connectionString").GetString(), StringComparison.Ordinal);
            var customerData = tenant.Value.GetProperty("customerData");
            Assert.Equal(account, customerData.GetProperty("storageAccountName").GetString());
            // What the customer enters is exactly what the destination configuration asks for.
            Assert.Equal(customerFields.Order(StringComparer.Ordinal), customerData.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task Azure_adls_credentials_hold_each_tenants_abfss_url_directory_and_service_principal_but_no_secret()
    {
        var config = AzureConfig("azure-adls");
        var account = new ResourceNames(Spec(config)).StorageAccount;

        var (stack, mocks) = await Deploy(config);

        Assert.Equal(3, mocks.OfType("azure-native:authorization:RoleAssignment").Count);
        using var credentials = await Credentials(stack);
        foreach (var (tenant, index) in credentials.RootElement.EnumerateObject().Select((t, i) => (t, i + 1)))
        {
            Assert.Equal(["url", "tenant", "servicePrincipalId", "filesystem", "customerData"], tenant.Value.EnumerateObject().Select(p => p.Name));
            Assert.Equal($"abfss://{tenant.Name}@{account}.dfs.core.windows.net", tenant.Value.GetProperty("url").GetString());
            Assert.Equal(AzureBehaviour.DirectoryTenantId, tenant.Value.GetProperty("tenant").GetString());
            Assert.Equal($"10000000-0000-4000-8000-0000000000c{index}", tenant.Value.GetProperty("servicePrincipalId").GetString());
            Assert.Equal(tenant.Name, tenant.Value.GetProperty("filesystem").GetString());
        }
    }

    [Fact]
    public async Task Sftp_on_azure_exports_the_host_and_each_tenants_user_and_base64_key()
    {
        var config = AzureConfig("sftp");
        var account = new ResourceNames(Spec(config)).StorageAccount;

        var (stack, _) = await Deploy(config);

        Assert.Equal($"{account}.blob.core.windows.net", await OutputUtilities.GetValueAsync(stack.SftpHost));
        Assert.False(await Output.IsSecretAsync(stack.SftpHost));
        using var credentials = await Credentials(stack);
        foreach (var tenant in credentials.RootElement.EnumerateObject())
        {
            Assert.Equal(["host", "port", "username", "sshKey", "container", "customerData"], tenant.Value.EnumerateObject().Select(p => p.Name));
            Assert.Equal($"{account}.blob.core.windows.net", tenant.Value.GetProperty("host").GetString());
            Assert.Equal(22, tenant.Value.GetProperty("port").GetInt32());
            Assert.Equal($"{account}.{ResourceNames.AzureLocalUser(tenant.Name)}", tenant.Value.GetProperty("username").GetString());
            using var rsa = RSA.Create();
            rsa.ImportFromPem(Encoding.UTF8.GetString(Convert.FromBase64String(tenant.Value.GetProperty("sshKey").GetString()!)));
            Assert.Equal(SftpLandingZoneArgs.RsaBits, rsa.KeySize);
        }
    }

    [Fact]
    public async Task Tags_and_infrastructure_encryption_reach_the_account()
    {
        var (_, mocks) = await Deploy(AzureConfig("azure-blob", ("infrastructureEncryption", "true"), ("tags", """{"team": "data-platform"}""")));

        var account = Assert.Single(mocks.OfType("azure-native:storage:StorageAccount")).Inputs;
        var encryption = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object>>(account["encryption"]);
        Assert.Equal(true, encryption["requireInfrastructureEncryption"]);
        var tags = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object>>(account["tags"]);
        Assert.Equal("data-platform", tags["team"]);
        Assert.Equal("destinationkit", tags["managed-by"]);
        Assert.Equal(StackRunner.Stack, tags["stack"]);
    }

    [Theory]
    [InlineData("azure-blob")]
    [InlineData("azure-adls")]
    [InlineData("sftp")]
    public async Task Customer_managed_keys_stop_the_run_before_any_resource(string target)
    {
        var mocks = StackRunner.NewMocks();

        var error = await Assert.ThrowsAsync<RunException>(() => StackRunner.RunAsync(mocks, AzureConfig(target, ("encryption", "customer-managed"))));

        Assert.Empty(mocks.Created);
        Assert.Empty(mocks.Calls);
        Assert.Contains("destination:encryption: customer-managed keys are not yet supported on azure; use platform "
            + "(Microsoft-managed keys), optionally with infrastructureEncryption: true for a second layer of encryption (docs/azure.md)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_azure_configuration_fails_with_every_error_before_any_resource()
    {
        var mocks = StackRunner.NewMocks();
        var config = AzureConfig("azure-adls",
            ("region", "West Europe"),
            ("tenants", """["acme"]"""),
            ("accountPerTenant", "true"));

        var error = await Assert.ThrowsAsync<RunException>(() => StackRunner.RunAsync(mocks, config));

        Assert.Empty(mocks.Created);
        Assert.Empty(mocks.Calls);
        Assert.StartsWith("The destination configuration has 3 errors:", error.Message, StringComparison.Ordinal);
        Assert.Contains("destination:region: got \"West Europe\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("destination:tenants[0]: needs a service principal for azure-adls", error.Message, StringComparison.Ordinal);
        Assert.Contains("destination:accountPerTenant:", error.Message, StringComparison.Ordinal);
    }
}
