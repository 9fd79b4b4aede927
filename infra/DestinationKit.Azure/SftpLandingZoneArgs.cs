using System.Collections.Immutable;
using DestinationKit.Model.Naming;
using DestinationKit.Model.Spec;

namespace DestinationKit.Azure;

/// <summary>What <see cref="SftpLandingZone"/> creates, as plain values decided from the spec.</summary>
public sealed record SftpLandingZoneArgs
{
    /// <summary>Size of the tenants' RSA keys (AEP takes RSA keys only).</summary>
    public const int RsaBits = 4096;

    public required AzureLandingSettings Settings { get; init; }

    /// <summary>The account with hierarchical namespace and SFTP (<see cref="ResourceNames.StorageAccount"/>).</summary>
    public required string AccountName { get; init; }

    public required ImmutableArray<SftpTenantArgs> Tenants { get; init; }

    public static SftpLandingZoneArgs FromSpec(DestinationSpec spec)
    {
        var settings = AzureLandingSettings.FromSpec(spec, DestinationTarget.Sftp);
        return new SftpLandingZoneArgs
        {
            Settings = settings,
            AccountName = new ResourceNames(spec).StorageAccount,
            Tenants = [.. spec.Tenants.Select(t => new SftpTenantArgs(t.Id, ResourceNames.TenantContainer(t.Id), ResourceNames.AzureLocalUser(t.Id)))],
        };
    }
}

/// <summary>One tenant: its container and the account's local user that may use only that container.</summary>
public sealed record SftpTenantArgs(string Id, string Container, string LocalUser);
