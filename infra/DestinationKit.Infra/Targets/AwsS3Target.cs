using System.Text.Json.Nodes;
using DestinationKit.Aws.Landing;
using DestinationKit.Model.Aep;
using DestinationKit.Model.Naming;
using DestinationKit.Model.Spec;
using Pulumi;

namespace DestinationKit.Infra.Targets;

/// <summary><c>aws-s3</c>: the <see cref="S3LandingZone"/>, in <c>destination:region</c> of the account the AWS provider signs in to.</summary>
internal static class AwsS3Target
{
    public const string ComponentName = "landing";

    public static TargetOutputs Deploy(DestinationSpec spec)
    {
        var zone = new S3LandingZone(ComponentName, S3LandingZoneArgs.FromSpec(spec));
        return new TargetOutputs(zone.BucketName.Apply(bucket => AepConfiguration(spec, bucket)))
        {
            Bucket = zone.BucketName,
            Credentials = TenantCredentials.Json(zone.Tenants.Values.Select(Entry)),
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

    /// <summary>What the tenant's AEP customer enters (docs/aws.md): the access key of its IAM user, or with
    /// <c>s3Access: adobe-role</c> the ARN of the role Adobe assumes.</summary>
    private static Output<KeyValuePair<string, JsonObject>> Entry(S3TenantAccess tenant) => tenant.AccessKey is { } key
        ? Output.Tuple(key.Id, key.Secret, tenant.PrincipalArn).Apply(values => KeyValuePair.Create(tenant.TenantId, new JsonObject
        {
            ["accessKeyId"] = values.Item1,
            ["secretAccessKey"] = values.Item2,
            ["prefix"] = tenant.Prefix,
            ["iamUser"] = values.Item3,
            ["customerData"] = TenantCredentials.CustomerData(tenant.TenantId),
        }))
        : tenant.PrincipalArn.Apply(role => KeyValuePair.Create(tenant.TenantId, new JsonObject
        {
            ["roleArn"] = role,
            ["prefix"] = tenant.Prefix,
            ["customerData"] = TenantCredentials.CustomerData(tenant.TenantId),
        }));
}
