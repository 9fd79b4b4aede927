using DestinationKit.Model.Spec;
using Pulumi;

namespace DestinationKit.Azure.Tests;

/// <summary>The three Azure landing zones, for the tests that hold for each of them.</summary>
internal static class Zones
{
    public static TheoryData<string> Targets => ["azure-blob", "azure-adls", "sftp"];

    public static DestinationSpec Spec(string target, string? tenants = null, params (string Key, string Value)[] extra) => target switch
    {
        "azure-blob" => Specs.Blob(tenants ?? Specs.ThreeTenants, extra),
        "azure-adls" => Specs.Adls(tenants ?? Specs.ThreeAdlsTenants, extra),
        "sftp" => Specs.Sftp(tenants ?? Specs.ThreeTenants, extra),
        _ => throw new ArgumentOutOfRangeException(nameof(target)),
    };

    /// <summary>Builds the args from the spec now (where a refused spec throws) and the component when called.</summary>
    public static Func<ComponentResource> Factory(DestinationSpec spec, ComponentResourceOptions? options = null)
    {
        switch (spec.Target)
        {
            case DestinationTarget.AzureBlob:
                var blob = BlobLandingZoneArgs.FromSpec(spec);
                return () => new BlobLandingZone("landing", blob, options);
            case DestinationTarget.AzureAdls:
                var adls = AdlsLandingZoneArgs.FromSpec(spec);
                return () => new AdlsLandingZone("landing", adls, options);
            case DestinationTarget.Sftp:
                var sftp = SftpLandingZoneArgs.FromSpec(spec);
                return () => new SftpLandingZone("landing", sftp, options);
            default:
                throw new ArgumentOutOfRangeException(nameof(spec));
        }
    }

    public static string TypeToken(string target) => target switch
    {
        "azure-blob" => BlobLandingZone.TypeToken,
        "azure-adls" => AdlsLandingZone.TypeToken,
        _ => SftpLandingZone.TypeToken,
    };
}
