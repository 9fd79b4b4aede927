using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace DestinationKit.Model.Permissions;

/// <summary>The IAM documents of the <c>aws</c> streaming target: what the Lambda function running the ingestion app
/// may do, and nothing more (docs/aws.md, "Streaming").</summary>
public static class AwsStreamingPolicies
{
    public const string LambdaService = "lambda.amazonaws.com";

    /// <summary>Where the app's S3 sink keeps its objects (docs/app.md, "Sinks"): accepted requests and audiences.
    /// Anything else in the bucket (the function's own code package) is out of the function's reach.</summary>
    public static readonly ImmutableArray<string> SinkPrefixes = ["requests/", "audiences/"];

    /// <summary>The sink reads and writes objects; it never deletes one (a deleted audience is a tombstone object).</summary>
    public static readonly ImmutableArray<string> SinkObjectActions = ["s3:GetObject", "s3:PutObject"];

    public static readonly ImmutableArray<string> LogActions = ["logs:CreateLogStream", "logs:PutLogEvents"];

    /// <summary>The trust policy of the function's role: only Lambda may assume it.</summary>
    public static AwsPolicy LambdaTrust() => new(
    [
        new("LambdaAssumesRole", "Allow", ["sts:AssumeRole"], [], Principal: new JsonObject { ["Service"] = LambdaService }),
    ]);

    /// <summary>The function's permissions: objects under the sink's prefixes, listing its bucket (the sink lists
    /// <c>requests/</c> to rebuild its projection and checks the bucket with an unprefixed list), its own log group,
    /// and reading its credentials parameter. With a customer-managed key (<paramref name="kmsKeyArn"/>, which encrypts
    /// the bucket and the parameter): decrypting, and for the bucket generating data keys, only in those two encryption
    /// contexts.</summary>
    public static AwsPolicy FunctionAccess(string partition, string bucket, string logGroupArn, string parameterArn, string? kmsKeyArn)
    {
        var bucketArn = AwsPolicies.BucketArn(partition, bucket);
        var statements = ImmutableArray.CreateBuilder<AwsPolicyStatement>();
        statements.Add(new("SinkObjects", "Allow", SinkObjectActions, [.. SinkPrefixes.Select(p => $"{bucketArn}/{p}*")]));
        statements.Add(new("SinkList", "Allow", ["s3:ListBucket"], [bucketArn]));
        statements.Add(new("OwnLogs", "Allow", LogActions, [$"{logGroupArn}:*"]));
        statements.Add(new("ReadCredentials", "Allow", ["ssm:GetParameter"], [parameterArn]));
        if (kmsKeyArn is not null)
        {
            statements.Add(AwsPolicies.KeyUse("SinkKey", AwsPolicies.BucketKeyActions, kmsKeyArn, "kms:EncryptionContext:aws:s3:arn", bucketArn));
            statements.Add(AwsPolicies.KeyUse("CredentialsKey", ["kms:Decrypt"], kmsKeyArn, "kms:EncryptionContext:PARAMETER_ARN", parameterArn));
        }
        return new AwsPolicy(statements.ToImmutable());
    }
}
