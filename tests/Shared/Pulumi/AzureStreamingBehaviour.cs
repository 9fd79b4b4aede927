using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Pulumi.Testing;

namespace DestinationKit.PulumiTesting;

/// <summary>What Azure computes for the resources of the streaming endpoint (App Service, Key Vault, API Management, the
/// package blob and its SAS), beside <see cref="AzureBehaviour"/> for the resource group, accounts and role assignments.</summary>
public static class AzureStreamingBehaviour
{
    public const string AppPrincipalId = "00000000-0000-4000-8000-0000000000ee";

    public static CloudBehaviour Instance { get; } = new(Resource, Call);

    /// <summary>What Pulumi's auto-naming adds to a logical name.</summary>
    public static string AutoName(string logicalName) => logicalName + "x7k2m9q1";

    public static string GatewayUrl(string serviceName) => $"https://{serviceName}.azure-api.net";

    public static string SecretUri(string vault, string secret) => $"https://{vault}.vault.azure.net/secrets/{secret}";

    /// <summary>The version Key Vault gives a secret value: here a hash of it, so a new value is a new version.</summary>
    public static string SecretVersion(string value) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..32].ToLowerInvariant();

    public static string SasToken(string canonicalizedResource, string expiry) =>
        $"sv=2022-11-02&se={Uri.EscapeDataString(expiry)}&sr=b&sp=r&spr=https&sig={SecretVersion(canonicalizedResource + expiry)}";

    private static string Group(MockResourceArgs args) => $"/subscriptions/{AzureBehaviour.SubscriptionId}/resourceGroups/{args.Inputs["resourceGroupName"]}";

    private static string? Resource(MockResourceArgs args, ImmutableDictionary<string, object>.Builder state)
    {
        var inputs = args.Inputs;
        string Input(string key) => (string)inputs[key];
        switch (args.Type)
        {
            case "azure-native:web:AppServicePlan":
                state["name"] = Input("name");
                return $"{Group(args)}/providers/Microsoft.Web/serverfarms/{Input("name")}";
            case "azure-native:web:WebApp":
                state["name"] = Input("name");
                state["defaultHostName"] = $"{Input("name")}.azurewebsites.net";
                state["identity"] = ImmutableDictionary<string, object>.Empty
                    .Add("type", "SystemAssigned").Add("principalId", AppPrincipalId).Add("tenantId", AzureBehaviour.DirectoryTenantId);
                return $"{Group(args)}/providers/Microsoft.Web/sites/{Input("name")}";
            case "azure-native:web:WebAppApplicationSettings":
                return $"{Group(args)}/providers/Microsoft.Web/sites/{Input("name")}/config/appsettings";
            case "azure-native:keyvault:Vault":
                var vault = AutoName(args.Name ?? "");
                state["name"] = vault;
                return $"{Group(args)}/providers/Microsoft.KeyVault/vaults/{vault}";
            case "azure-native:keyvault:Secret":
                var properties = (IReadOnlyDictionary<string, object>)inputs["properties"];
                var uri = SecretUri(Input("vaultName"), Input("secretName"));
                state["name"] = Input("secretName");
                state["properties"] = properties.ToImmutableDictionary()
                    .SetItem("secretUri", uri)
                    .SetItem("secretUriWithVersion", $"{uri}/{SecretVersion((string)properties["value"])}");
                return $"{Group(args)}/providers/Microsoft.KeyVault/vaults/{Input("vaultName")}/secrets/{Input("secretName")}";
            case "azure-native:storage:Blob":
                var blob = AutoName(args.Name ?? "");
                state["name"] = blob;
                state["url"] = $"https://{Input("accountName")}.blob.core.windows.net/{Input("containerName")}/{blob}";
                return blob;
            case "azure-native:apimanagement:ApiManagementService":
                state["name"] = Input("serviceName");
                state["gatewayUrl"] = GatewayUrl(Input("serviceName"));
                return $"{Group(args)}/providers/Microsoft.ApiManagement/service/{Input("serviceName")}";
            case "azure-native:apimanagement:Api":
                state["name"] = Input("apiId");
                return $"{Group(args)}/providers/Microsoft.ApiManagement/service/{Input("serviceName")}/apis/{Input("apiId")}";
            case "azure-native:apimanagement:ApiOperation":
                state["name"] = Input("operationId");
                return $"{Group(args)}/providers/Microsoft.ApiManagement/service/{Input("serviceName")}/apis/{Input("apiId")}/operations/{Input("operationId")}";
            case "azure-native:apimanagement:NamedValue":
                state["name"] = Input("namedValueId");
                return $"{Group(args)}/providers/Microsoft.ApiManagement/service/{Input("serviceName")}/namedValues/{Input("namedValueId")}";
            case "azure-native:apimanagement:ApiPolicy":
            case "azure-native:apimanagement:ApiOperationPolicy":
                state["name"] = Input("policyId");
                return $"{args.Name}-id";
            default:
                return null;
        }
    }

    private static object? Call(MockCallArgs args) =>
        args.Token == "azure-native:storage:listStorageAccountServiceSAS"
            ? ImmutableDictionary<string, object>.Empty.Add("serviceSasToken",
                SasToken((string)args.Args["canonicalizedResource"], (string)args.Args["sharedAccessExpiryTime"]))
            : null;
}
