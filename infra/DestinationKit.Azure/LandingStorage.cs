using System.Collections.Immutable;
using Pulumi;
using Pulumi.AzureNative.Resources;
using Pulumi.AzureNative.Storage;
using Pulumi.AzureNative.Storage.Inputs;

namespace DestinationKit.Azure;

/// <summary>The resources every Azure landing zone is made of, with the settings they all share (docs/azure.md says
/// why each one): the resource group, hardened StorageV2 accounts, containers and the retention policy.</summary>
internal static class LandingStorage
{
    /// <summary>The lifecycle rule that deletes files <see cref="AzureLandingSettings.RetentionDays"/> after their last change.</summary>
    public const string RetentionRuleName = "deleteafterretention";

    public static ResourceGroup ResourceGroup(string name, AzureLandingSettings settings, CustomResourceOptions child) =>
        new($"{name}-rg", new ResourceGroupArgs
        {
            ResourceGroupName = settings.ResourceGroupName,
            Location = settings.Location,
            Tags = Tags(settings),
        }, child);

    /// <summary>A StorageV2 account that takes HTTPS with TLS 1.2 or later only, never serves anonymous reads and
    /// does not replicate to other Microsoft Entra tenants; with a retention policy. Hierarchical namespace for
    /// ADLS Gen2 and SFTP; SFTP and local users only where asked.</summary>
    public static StorageAccount Account(string name, string accountName, ResourceGroup group, AzureLandingSettings settings,
        AccountFeatures features, CustomResourceOptions child)
    {
        var account = new StorageAccount($"{name}-{accountName}", new StorageAccountArgs
        {
            AccountName = accountName,
            ResourceGroupName = group.Name,
            Location = settings.Location,
            Kind = Kind.StorageV2,
            Sku = new SkuArgs { Name = SkuName.Standard_LRS },
            AccessTier = AccessTier.Hot,
            EnableHttpsTrafficOnly = true,
            MinimumTlsVersion = MinimumTlsVersion.TLS1_2,
            AllowBlobPublicAccess = false,
            AllowCrossTenantReplication = false,
            // AEP's Azure Blob destination authenticates with the account key, and the ingestion app reads every
            // Azure landing zone with the account's connection string (docs/app.md).
            AllowSharedKeyAccess = true,
            IsHnsEnabled = features != AccountFeatures.Blob,
            IsSftpEnabled = features == AccountFeatures.Sftp,
            IsLocalUserEnabled = features == AccountFeatures.Sftp,
            Encryption = new EncryptionArgs
            {
                KeySource = KeySource.Microsoft_Storage,
                RequireInfrastructureEncryption = settings.InfrastructureEncryption,
            },
            Tags = Tags(settings),
        }, child);

        new ManagementPolicy($"{name}-{accountName}-retention", new ManagementPolicyArgs
        {
            AccountName = account.Name,
            ResourceGroupName = group.Name,
            // An account has one lifecycle policy, always named "default".
            ManagementPolicyName = "default",
            Policy = new ManagementPolicySchemaArgs
            {
                Rules =
                {
                    new ManagementPolicyRuleArgs
                    {
                        Name = RetentionRuleName,
                        Enabled = true,
                        Type = RuleType.Lifecycle,
                        Definition = new ManagementPolicyDefinitionArgs
                        {
                            Filters = new ManagementPolicyFilterArgs { BlobTypes = { "blockBlob", "appendBlob" } },
                            Actions = new ManagementPolicyActionArgs
                            {
                                BaseBlob = new ManagementPolicyBaseBlobArgs
                                {
                                    Delete = new DateAfterModificationArgs { DaysAfterModificationGreaterThan = settings.RetentionDays },
                                },
                            },
                        },
                    },
                },
            },
        }, child);
        return account;
    }

    private static InputMap<string> Tags(AzureLandingSettings settings) => settings.Tags.ToImmutableDictionary(StringComparer.Ordinal);

    /// <summary>A private container (an ADLS Gen2 filesystem on an account with hierarchical namespace).</summary>
    public static BlobContainer Container(string name, string containerName, StorageAccount account, ResourceGroup group,
        CustomResourceOptions child) =>
        new($"{name}-{containerName}-container", new BlobContainerArgs
        {
            ContainerName = containerName,
            AccountName = account.Name,
            ResourceGroupName = group.Name,
            PublicAccess = PublicAccess.None,
        }, child);
}

/// <summary>What a landing account serves: plain Blob, ADLS Gen2 (hierarchical namespace), or SFTP (which needs it).</summary>
internal enum AccountFeatures { Blob, HierarchicalNamespace, Sftp }
