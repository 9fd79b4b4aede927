using System.Text.Json.Nodes;
using DestinationKit.Azure;
using DestinationKit.Model.Spec;
using Pulumi;

namespace DestinationKit.Infra.Targets;

/// <summary><c>azure-adls</c>: the <see cref="AdlsLandingZone"/>, in the subscription the azure-native provider signs in to.</summary>
internal static class AzureAdlsTarget
{
    public const string ComponentName = "landing";

    public static TargetOutputs Deploy(DestinationSpec spec)
    {
        var zone = new AdlsLandingZone(ComponentName, AdlsLandingZoneArgs.FromSpec(spec));
        return new TargetOutputs(zone.AccountName.Apply(account => AzureTargets.AepConfiguration(spec, [account])))
        {
            ResourceGroup = zone.ResourceGroupName,
            StorageAccount = zone.AccountName,
            Credentials = Credentials(zone),
        };
    }

    /// <summary>Tenant id → what its AEP customer enters in the destination's connection form, except the service
    /// principal's secret, which the partner created with the service principal and hands over itself (docs/azure.md).</summary>
    private static Output<string> Credentials(AdlsLandingZone zone) =>
        AzureTargets.Credentials(zone.Tenants.Values.Select(tenant =>
            Output.Tuple(tenant.Url, zone.DirectoryTenantId, tenant.Filesystem).Apply(values =>
                KeyValuePair.Create(tenant.TenantId, new JsonObject
                {
                    ["url"] = values.Item1,
                    ["tenant"] = values.Item2,
                    ["servicePrincipalId"] = tenant.ServicePrincipalClientId.ToString(),
                    ["filesystem"] = values.Item3,
                    ["customerData"] = AzureTargets.CustomerData(tenant.TenantId),
                }))));
}
