using System.Collections.Immutable;
using DestinationKit.Model.Permissions;
using Pulumi;
using Pulumi.AzureNative.Authorization;
using Pulumi.AzureNative.Resources;
using Pulumi.AzureNative.Storage;

namespace DestinationKit.Azure;

/// <summary>The <c>azure-adls</c> batch target: a resource group, a hardened StorageV2 account with hierarchical
/// namespace (ADLS Gen2) and per tenant a filesystem on which the tenant's service principal, created by the partner,
/// is Storage Blob Data Contributor and nothing else. AEP's ADLS Gen2 destination signs in as that service principal.
/// docs/azure.md explains each setting.</summary>
public sealed class AdlsLandingZone : ComponentResource
{
    public const string TypeToken = "destinationkit:azure:AdlsLandingZone";

    public AdlsLandingZone(string name, AdlsLandingZoneArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        ArgumentNullException.ThrowIfNull(args);
        var child = new CustomResourceOptions { Parent = this };

        var group = LandingStorage.ResourceGroup(name, args.Settings, child);
        ResourceGroupName = group.Name;
        var account = LandingStorage.Account(name, args.AccountName, group, args.Settings, AccountFeatures.HierarchicalNamespace, child);
        AccountName = account.Name;

        var client = GetClientConfig.Invoke(new InvokeOptions { Parent = this });
        DirectoryTenantId = client.Apply(c => c.TenantId);
        var roleDefinitionId = client.Apply(c => AzureRoles.RoleDefinitionId(c.SubscriptionId, AzureRoles.StorageBlobDataContributor));

        Tenants = args.Tenants.ToImmutableSortedDictionary(t => t.Id, t =>
        {
            var filesystem = LandingStorage.Container(name, t.Filesystem, account, group, child);
            var assignment = new RoleAssignment($"{name}-{t.Id}-access", new RoleAssignmentArgs
            {
                // The filesystem's resource id: the role holds there and nowhere else in the account.
                Scope = filesystem.Id,
                RoleDefinitionId = roleDefinitionId,
                PrincipalId = t.ServicePrincipal.ObjectId.ToString(),
                // Without it Azure looks the principal up as a user, which fails for a new service principal.
                PrincipalType = PrincipalType.ServicePrincipal,
                Description = $"AEP exports of tenant {t.Id} into its ADLS Gen2 filesystem (DestinationKit)",
            }, child);
            return new AdlsTenantAccess(t.Id, filesystem.Name, Output.Tuple(filesystem.Name, account.Name).Apply(v => StorageEndpoints.AbfssUrl(v.Item1, v.Item2)),
                t.ServicePrincipal.ClientId, assignment.Id);
        }, StringComparer.Ordinal);

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["resourceGroupName"] = ResourceGroupName,
            ["storageAccountName"] = AccountName,
            ["directoryTenantId"] = DirectoryTenantId,
            ["tenants"] = Output.All(Tenants.Values.Select(t => t.Url.Apply(url => KeyValuePair.Create(t.TenantId, ImmutableDictionary<string, string>.Empty
                    .Add("url", url)
                    .Add("servicePrincipalId", t.ServicePrincipalClientId.ToString())))))
                .Apply(pairs => pairs.ToImmutableDictionary()),
        });
    }

    public Output<string> ResourceGroupName { get; }

    public Output<string> AccountName { get; }

    /// <summary>The Microsoft Entra tenant (directory) of the subscription, which AEP's connection form asks for.</summary>
    public Output<string> DirectoryTenantId { get; }

    /// <summary>Per tenant id: its filesystem, URL and service principal.</summary>
    public ImmutableSortedDictionary<string, AdlsTenantAccess> Tenants { get; }
}

/// <summary>What a tenant's AEP destination needs besides the service principal's secret, which the partner holds:
/// the <c>abfss://</c> URL of its filesystem and the service principal's application (client) id.</summary>
public sealed record AdlsTenantAccess(string TenantId, Output<string> Filesystem, Output<string> Url, Guid ServicePrincipalClientId,
    Output<string> RoleAssignmentId);
