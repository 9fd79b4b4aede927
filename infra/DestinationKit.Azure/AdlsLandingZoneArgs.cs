using System.Collections.Immutable;
using DestinationKit.Model.Naming;
using DestinationKit.Model.Spec;

namespace DestinationKit.Azure;

/// <summary>What <see cref="AdlsLandingZone"/> creates, as plain values decided from the spec.</summary>
public sealed record AdlsLandingZoneArgs
{
    public required AzureLandingSettings Settings { get; init; }

    /// <summary>The account with hierarchical namespace (<see cref="ResourceNames.StorageAccount"/>).</summary>
    public required string AccountName { get; init; }

    public required ImmutableArray<AdlsTenantArgs> Tenants { get; init; }

    public static AdlsLandingZoneArgs FromSpec(DestinationSpec spec)
    {
        var settings = AzureLandingSettings.FromSpec(spec, DestinationTarget.AzureAdls);
        return new AdlsLandingZoneArgs
        {
            Settings = settings,
            AccountName = new ResourceNames(spec).StorageAccount,
            Tenants = [.. spec.Tenants.Select(t => new AdlsTenantArgs(
                t.Id,
                ResourceNames.TenantContainer(t.Id),
                // The parser requires a service principal of every azure-adls tenant.
                t.ServicePrincipal ?? throw new ArgumentException($"tenant {t.Id} has no service principal", nameof(spec))))],
        };
    }
}

/// <summary>One tenant: its filesystem and the service principal (created by the partner) that may write into it.</summary>
public sealed record AdlsTenantArgs(string Id, string Filesystem, ServicePrincipal ServicePrincipal);
