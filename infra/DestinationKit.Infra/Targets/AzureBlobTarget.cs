using System.Text.Json.Nodes;
using DestinationKit.Azure;
using DestinationKit.Model.Spec;
using Pulumi;

namespace DestinationKit.Infra.Targets;

/// <summary><c>azure-blob</c>: the <see cref="BlobLandingZone"/>, in the subscription the azure-native provider signs in to.</summary>
internal static class AzureBlobTarget
{
    public const string ComponentName = "landing";

    public static TargetOutputs Deploy(DestinationSpec spec)
    {
        var zone = new BlobLandingZone(ComponentName, BlobLandingZoneArgs.FromSpec(spec));
        var accounts = Output.All(zone.AccountNames);
        return new TargetOutputs(accounts.Apply(deployed => AzureTargets.AepConfiguration(spec, spec.AccountPerTenant ? [] : deployed)))
        {
            ResourceGroup = zone.ResourceGroupName,
            // With an account per tenant there is no single account: each tenant's is in its credentials.
            StorageAccount = spec.AccountPerTenant ? null : accounts.Apply(names => names.Single()),
            Credentials = Credentials(zone, spec.AccountPerTenant),
        };
    }

    /// <summary>Tenant id → what its AEP customer enters in the destination's connection form (docs/azure.md).</summary>
    private static Output<string> Credentials(BlobLandingZone zone, bool accountPerTenant) =>
        AzureTargets.Credentials(zone.Tenants.Values.Select(tenant =>
            Output.Tuple(tenant.ConnectionString, tenant.AccountName, tenant.Container).Apply(values =>
            {
                var customerData = AzureTargets.CustomerData(tenant.TenantId);
                if (accountPerTenant) customerData[AzureTargets.StorageAccountField] = values.Item2;
                return KeyValuePair.Create(tenant.TenantId, new JsonObject
                {
                    ["connectionString"] = values.Item1,
                    ["storageAccount"] = values.Item2,
                    ["container"] = values.Item3,
                    ["customerData"] = customerData,
                });
            })));
}
