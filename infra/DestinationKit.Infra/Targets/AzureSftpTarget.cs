using System.Text.Json.Nodes;
using DestinationKit.Azure;
using DestinationKit.Model.Spec;
using Pulumi;

namespace DestinationKit.Infra.Targets;

/// <summary><c>sftp</c> with <c>cloud: azure</c>: the <see cref="SftpLandingZone"/> on Azure Storage.</summary>
internal static class AzureSftpTarget
{
    public const string ComponentName = "landing";

    public static TargetOutputs Deploy(DestinationSpec spec)
    {
        var zone = new SftpLandingZone(ComponentName, SftpLandingZoneArgs.FromSpec(spec));
        return new TargetOutputs(zone.AccountName.Apply(account => AzureTargets.AepConfiguration(spec, [account])))
        {
            ResourceGroup = zone.ResourceGroupName,
            StorageAccount = zone.AccountName,
            SftpHost = zone.Host,
            Credentials = Credentials(zone),
        };
    }

    /// <summary>Tenant id → what its AEP customer enters in the destination's connection form (docs/azure.md).</summary>
    private static Output<string> Credentials(SftpLandingZone zone) =>
        AzureTargets.Credentials(zone.Tenants.Values.Select(tenant =>
            Output.Tuple(zone.Host, tenant.UserName, tenant.PrivateKeyBase64, tenant.Container).Apply(values =>
                KeyValuePair.Create(tenant.TenantId, new JsonObject
                {
                    ["host"] = values.Item1,
                    ["port"] = SftpLandingZone.Port,
                    ["username"] = values.Item2,
                    ["sshKey"] = values.Item3,
                    ["container"] = values.Item4,
                    ["customerData"] = AzureTargets.CustomerData(tenant.TenantId),
                }))));
}
