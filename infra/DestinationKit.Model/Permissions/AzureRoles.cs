namespace DestinationKit.Model.Permissions;

/// <summary>Azure built-in roles the Azure targets assign, and the scopes they are assigned at.</summary>
public static class AzureRoles
{
    /// <summary>Storage Blob Data Contributor: read, write and delete blobs; what AEP's ADLS Gen2 export needs
    /// on the tenant's filesystem, and what the streaming app needs on its sink container.</summary>
    public const string StorageBlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";

    /// <summary>Key Vault Secrets User: read secret contents; what the streaming app's identity needs to resolve its
    /// Key Vault references.</summary>
    public const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";

    public static string RoleDefinitionId(string subscriptionId, string roleId) =>
        $"/subscriptions/{subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/{roleId}";

    /// <summary>The scope of one container or ADLS Gen2 filesystem, below its storage account's resource id.</summary>
    public static string ContainerScope(string storageAccountId, string container) =>
        $"{storageAccountId}/blobServices/default/containers/{container}";
}
