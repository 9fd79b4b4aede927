using System.Collections.Immutable;
using System.Text.Json;
using DestinationKit.Gcp;
using DestinationKit.Model.Aep;
using DestinationKit.Model.Naming;
using DestinationKit.Model.Spec;
using Pulumi;

namespace DestinationKit.Infra.Targets;

/// <summary><c>gcp-gcs</c>: the <see cref="GcsLandingZone"/>, in the project of the standard <c>gcp:project</c> config.</summary>
internal static class GcsTarget
{
    public const string ComponentName = "landing";

    public static TargetOutputs Deploy(DestinationSpec spec)
    {
        var zone = new GcsLandingZone(ComponentName, GcsLandingZoneArgs.FromSpec(spec));
        return new TargetOutputs(zone.BucketName.Apply(bucket => AepConfiguration(spec, bucket)))
        {
            Bucket = zone.BucketName,
            Credentials = Credentials(zone),
        };
    }

    /// <summary>The Destination SDK objects for the bucket that was deployed. The builder derives the bucket name from
    /// the spec, so a deployed bucket of another name would mean AEP is told the wrong bucket: that stops the run.</summary>
    private static string AepConfiguration(DestinationSpec spec, string deployedBucket)
    {
        var expected = new ResourceNames(spec).LandingBucket;
        if (deployedBucket != expected)
            throw new InvalidOperationException($"the landing bucket was deployed as {deployedBucket}, but the AEP configuration names {expected}");
        return AepConfigurationBuilder.Build(spec, DeploymentFacts.None).ToJson();
    }

    /// <summary>Tenant id → what its AEP customer enters in the destination's connection form (docs/gcp.md).</summary>
    private static Output<string> Credentials(GcsLandingZone zone) =>
        Output.All(zone.Tenants.Values.Select(tenant =>
                Output.Tuple(tenant.HmacAccessId, tenant.HmacSecret, tenant.ServiceAccountEmail).Apply(values =>
                    KeyValuePair.Create(tenant.TenantId, new
                    {
                        accessId = values.Item1,
                        secretAccessKey = values.Item2,
                        prefix = tenant.Prefix,
                        serviceAccount = values.Item3,
                    }))))
            .Apply(entries => Output.CreateSecret(JsonSerializer.Serialize(
                entries.ToImmutableSortedDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal))));
}
