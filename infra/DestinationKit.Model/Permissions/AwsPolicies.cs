using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace DestinationKit.Model.Permissions;

/// <summary>The IAM documents of the AWS targets (shared/AEP.md §4.2), scoped to one tenant's prefix.</summary>
public static class AwsPolicies
{
    /// <summary>Adobe's AWS account, which Adobe documents as the principal for its assumed-role S3 access.</summary>
    public const string AdobeAccountId = "670664943635";

    /// <summary>What AEP needs on objects under the tenant's prefix.</summary>
    public static readonly ImmutableArray<string> AepObjectActions =
        ["s3:DeleteObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:PutObject"];

    /// <summary>AWS partition of a region: aws, aws-cn, aws-us-gov, or for the isolated regions the parser accepts
    /// (us-iso-east-1, us-isob-east-1, eu-isoe-west-1) aws-iso, aws-iso-b, aws-iso-e.</summary>
    public static string Partition(string region)
    {
        if (region.StartsWith("cn-", StringComparison.Ordinal)) return "aws-cn";
        if (region.StartsWith("us-gov-", StringComparison.Ordinal)) return "aws-us-gov";
        var parts = region.Split('-');
        if (parts.Length > 2 && parts[1].StartsWith("iso", StringComparison.Ordinal))
            return parts[1].Length == 3 ? "aws-iso" : $"aws-iso-{parts[1][3..]}";
        return "aws";
    }

    public static string BucketArn(string partition, string bucket) => $"arn:{partition}:s3:::{bucket}";

    /// <summary>AEP's six actions (shared/AEP.md §4.2), nothing else: object actions on the prefix only,
    /// the bucket's location, and listing limited to the prefix.</summary>
    public static AwsPolicy TenantLandingAccess(string partition, string bucket, string tenantPrefix)
    {
        var bucketArn = BucketArn(partition, bucket);
        return new AwsPolicy(
        [
            new("AepObjectsInTenantPrefix", "Allow", AepObjectActions, [$"{bucketArn}/{tenantPrefix}*"]),
            new("AepBucketLocation", "Allow", ["s3:GetBucketLocation"], [bucketArn]),
            new("AepListTenantPrefix", "Allow", ["s3:ListBucket"], [bucketArn], Condition: StringLike("s3:prefix", tenantPrefix, $"{tenantPrefix}*")),
        ]);
    }

    /// <summary>Bucket policy that refuses every request not made over TLS.</summary>
    public static AwsPolicy DenyInsecureTransport(string partition, string bucket)
    {
        var bucketArn = BucketArn(partition, bucket);
        return new AwsPolicy(
        [
            new("DenyInsecureTransport", "Deny", ["s3:*"], [bucketArn, $"{bucketArn}/*"],
                Condition: Single("Bool", "aws:SecureTransport", "false"), Principal: new JsonObject { ["AWS"] = "*" }),
        ]);
    }

    /// <summary>Trust policy of a per-tenant role Adobe assumes. Adobe documents no external id
    /// (shared/AEP.md §4.2), so none is required here; see docs/configuration.md (s3Access).</summary>
    public static AwsPolicy AdobeTrust(string partition) => new(
    [
        new("AdobeAssumesRole", "Allow", ["sts:AssumeRole"], [],
            Principal: new JsonObject { ["AWS"] = $"arn:{partition}:iam::{AdobeAccountId}:root" }),
    ]);

    private static ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, ImmutableArray<string>>> StringLike(string key, params string[] values) =>
        Single("StringLike", key, values);

    private static ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, ImmutableArray<string>>> Single(string op, string key, params string[] values) =>
        ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, ImmutableArray<string>>>.Empty.Add(op,
            ImmutableSortedDictionary<string, ImmutableArray<string>>.Empty.Add(key, [.. values]));
}
