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
    /// the bucket's location, and listing limited to the prefix. With SSE-KMS (<paramref name="kmsKeyArn"/>), also
    /// the use of the bucket's key that S3 makes with the caller's permissions (<see cref="BucketKeyUse"/>), without
    /// which every upload and download is denied.</summary>
    public static AwsPolicy TenantLandingAccess(string partition, string bucket, string tenantPrefix, string? kmsKeyArn = null)
    {
        var bucketArn = BucketArn(partition, bucket);
        ImmutableArray<AwsPolicyStatement> statements =
        [
            new("AepObjectsInTenantPrefix", "Allow", AepObjectActions, [$"{bucketArn}/{tenantPrefix}*"]),
            new("AepBucketLocation", "Allow", ["s3:GetBucketLocation"], [bucketArn]),
            new("AepListTenantPrefix", "Allow", ["s3:ListBucket"], [bucketArn], Condition: StringLike("s3:prefix", tenantPrefix, $"{tenantPrefix}*")),
        ];
        return new AwsPolicy(kmsKeyArn is null ? statements : statements.Add(BucketKeyUse(partition, bucket, kmsKeyArn)));
    }

    /// <summary>What S3 asks KMS for on the caller's behalf when a bucket's default encryption is SSE-KMS with S3
    /// Bucket Keys: a data key on upload (multipart included) and its decryption on download. Limited to requests
    /// for this bucket: with Bucket Keys S3 passes the bucket's ARN as the encryption context. A key given by alias
    /// is matched through the alias, since IAM does not accept alias ARNs as the resource of key actions.</summary>
    public static AwsPolicyStatement BucketKeyUse(string partition, string bucket, string kmsKeyArn) =>
        KeyUse("AepUseBucketKey", BucketKeyActions, kmsKeyArn, "kms:EncryptionContext:aws:s3:arn", BucketArn(partition, bucket));

    /// <summary>Use of a KMS key limited to one encryption context (S3 passes the bucket's ARN when Bucket Keys are on,
    /// SSM a parameter's ARN). A key given by alias ARN is matched through the alias: IAM takes no alias ARNs as the
    /// resource of key actions.</summary>
    public static AwsPolicyStatement KeyUse(string sid, ImmutableArray<string> actions, string kmsKeyArn, string contextKey, string contextValue)
    {
        var parts = kmsKeyArn.Split(':', 6);
        if (parts.Length != 6 || parts[2] != "kms")
            throw new ArgumentException($"expected a KMS key or alias ARN, got {kmsKeyArn}", nameof(kmsKeyArn));
        var context = Single("StringEquals", contextKey, contextValue);
        if (!parts[5].StartsWith("alias/", StringComparison.Ordinal))
            return new(sid, "Allow", actions, [kmsKeyArn], Condition: context);
        return new(sid, "Allow", actions, [$"arn:{parts[1]}:kms:{parts[3]}:{parts[4]}:key/*"],
            Condition: context.Add("ForAnyValue:StringEquals", ImmutableSortedDictionary<string, ImmutableArray<string>>.Empty.Add("kms:ResourceAliases", [parts[5]])));
    }

    /// <summary>The KMS actions SSE-KMS needs from whoever reads or writes objects.</summary>
    public static readonly ImmutableArray<string> BucketKeyActions = ["kms:Decrypt", "kms:GenerateDataKey"];

    /// <summary>Trust policy of a tenant's Transfer Family role: the Transfer service may assume it for users of
    /// this server only (AWS's confused-deputy guidance: source account and source ARN).</summary>
    public static AwsPolicy TransferUserTrust(string serverArn)
    {
        // arn:<partition>:transfer:<region>:<account>:server/<server id>
        var parts = serverArn.Split(':', 6);
        if (parts.Length != 6 || parts[2] != "transfer" || !parts[5].StartsWith("server/", StringComparison.Ordinal))
            throw new ArgumentException($"expected a Transfer Family server ARN, got {serverArn}", nameof(serverArn));
        var users = $"arn:{parts[1]}:transfer:{parts[3]}:{parts[4]}:user/{parts[5]["server/".Length..]}/*";
        return new(
        [
            new("TransferAssumesRoleForServerUsers", "Allow", ["sts:AssumeRole"], [],
                Condition: Single("StringEquals", "aws:SourceAccount", parts[4])
                    .Add("ArnLike", ImmutableSortedDictionary<string, ImmutableArray<string>>.Empty.Add("aws:SourceArn", [users])),
                Principal: new JsonObject { ["Service"] = TransferService }),
        ]);
    }

    /// <summary>Trust policy of the role a Transfer Family server writes its logs with. The server's ARN does not
    /// exist when the role is created, so the trust cannot name it.</summary>
    public static AwsPolicy TransferLoggingTrust() => new(
    [
        new("TransferWritesServerLogs", "Allow", ["sts:AssumeRole"], [], Principal: new JsonObject { ["Service"] = TransferService }),
    ]);

    /// <summary>AWS's managed policy for Transfer Family logging: log groups and streams under /aws/transfer/ only.</summary>
    public static string TransferLoggingPolicyArn(string partition) => $"arn:{partition}:iam::aws:policy/service-role/AWSTransferLoggingAccess";

    private const string TransferService = "transfer.amazonaws.com";

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
