using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Pulumi.Testing;

namespace DestinationKit.PulumiTesting;

/// <summary>What Azure computes for the resources the Azure components create: ARM resource ids and names, the
/// storage account keys, and the subscription and directory the provider signs in to.</summary>
public static class AzureBehaviour
{
    public const string SubscriptionId = "00000000-0000-4000-8000-000000000001";
    public const string DirectoryTenantId = "00000000-0000-4000-8000-0000000000aa";
    public const string ClientId = "00000000-0000-4000-8000-0000000000cc";
    public const string ClientObjectId = "00000000-0000-4000-8000-0000000000dd";

    public static CloudBehaviour Instance { get; } = new(Resource, Call);

    public static string ResourceGroupId(string group) => $"/subscriptions/{SubscriptionId}/resourceGroups/{group}";

    public static string StorageAccountId(string group, string account) =>
        $"{ResourceGroupId(group)}/providers/Microsoft.Storage/storageAccounts/{account}";

    /// <summary>Account keys are 64 random bytes, base64; here derived from the account name and key name.</summary>
    public static string AccountKey(string account, string keyName) =>
        Convert.ToBase64String(SHA512.HashData(Encoding.UTF8.GetBytes($"{account}/{keyName}")));

    private static string? Resource(MockResourceArgs args, ImmutableDictionary<string, object>.Builder state)
    {
        var inputs = args.Inputs;
        string Input(string key) => (string)inputs[key];
        switch (args.Type)
        {
            case "azure-native:resources:ResourceGroup":
                state["name"] = Input("resourceGroupName");
                return ResourceGroupId(Input("resourceGroupName"));
            case "azure-native:storage:StorageAccount":
                state["name"] = Input("accountName");
                return StorageAccountId(Input("resourceGroupName"), Input("accountName"));
            case "azure-native:storage:BlobContainer":
                state["name"] = Input("containerName");
                return $"{StorageAccountId(Input("resourceGroupName"), Input("accountName"))}/blobServices/default/containers/{Input("containerName")}";
            case "azure-native:storage:ManagementPolicy":
                state["name"] = Input("managementPolicyName");
                return $"{StorageAccountId(Input("resourceGroupName"), Input("accountName"))}/managementPolicies/{Input("managementPolicyName")}";
            case "azure-native:storage:LocalUser":
                state["name"] = Input("username");
                return $"{StorageAccountId(Input("resourceGroupName"), Input("accountName"))}/localUsers/{Input("username")}";
            case "azure-native:authorization:RoleAssignment":
                var assignment = new Guid(MD5.HashData(Encoding.UTF8.GetBytes(args.Name ?? ""))).ToString();
                state["name"] = assignment;
                return $"{Input("scope")}/providers/Microsoft.Authorization/roleAssignments/{assignment}";
            default:
                return null;
        }
    }

    private static object? Call(MockCallArgs args) => args.Token switch
    {
        "azure-native:authorization:getClientConfig" => ImmutableDictionary<string, object>.Empty
            .Add("clientId", ClientId)
            .Add("objectId", ClientObjectId)
            .Add("subscriptionId", SubscriptionId)
            .Add("tenantId", DirectoryTenantId),
        "azure-native:storage:listStorageAccountKeys" => ImmutableDictionary<string, object>.Empty.Add("keys", ImmutableArray.Create<object>(
            Key((string)args.Args["accountName"], "key1"),
            Key((string)args.Args["accountName"], "key2"))),
        _ => null,
    };

    private static ImmutableDictionary<string, object> Key(string account, string keyName) => ImmutableDictionary<string, object>.Empty
        .Add("keyName", keyName)
        .Add("value", AccountKey(account, keyName))
        .Add("permissions", "FULL")
        .Add("creationTime", "2025-01-01T00:00:00.0000000Z");
}
