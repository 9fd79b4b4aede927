using System.Collections.Immutable;
using DestinationKit.Model.Naming;
using DestinationKit.Model.Spec;

namespace DestinationKit.Azure;

/// <summary>What <see cref="BlobLandingZone"/> creates, as plain values decided from the spec.</summary>
public sealed record BlobLandingZoneArgs
{
    public required AzureLandingSettings Settings { get; init; }

    /// <summary>Per tenant, the account and container it exports into. Tenants that name the same account share it.</summary>
    public required ImmutableArray<BlobTenantArgs> Tenants { get; init; }

    public static BlobLandingZoneArgs FromSpec(DestinationSpec spec)
    {
        var settings = AzureLandingSettings.FromSpec(spec, DestinationTarget.AzureBlob);
        var names = new ResourceNames(spec);
        return new BlobLandingZoneArgs
        {
            Settings = settings,
            Tenants = [.. spec.Tenants.Select(t => new BlobTenantArgs(
                t.Id,
                spec.AccountPerTenant ? names.TenantStorageAccount(t.Id) : names.StorageAccount,
                ResourceNames.TenantContainer(t.Id)))],
        };
    }
}

/// <summary>One tenant: the storage account (shared, or its own with <c>accountPerTenant</c>) and its container.</summary>
public sealed record BlobTenantArgs(string Id, string AccountName, string Container);
