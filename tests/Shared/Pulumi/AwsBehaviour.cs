using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Pulumi.Testing;

namespace DestinationKit.PulumiTesting;

/// <summary>What AWS computes for the resources the AWS components create: ids and ARNs in the account below, IAM
/// access keys, KMS key ids, Transfer Family server ids and host names.</summary>
public static class AwsBehaviour
{
    public const string AccountId = "123456789012";

    /// <summary>The region of resources created without one (the provider's <c>aws:region</c>).</summary>
    public const string DefaultRegion = "eu-west-1";

    public static CloudBehaviour Instance { get; } = new(Resource, _ => null);

    /// <summary>Access key ids are 20 characters starting with AKIA; here derived from the resource name.</summary>
    public static string AccessKeyId(string resourceName) => "AKIA" + Hex(resourceName)[..16].ToUpperInvariant();

    /// <summary>Secret access keys are 40 base64 characters.</summary>
    public static string SecretAccessKey(string resourceName) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes("secret:" + resourceName)))[..40];

    /// <summary>Transfer Family server ids are <c>s-</c> and 17 hexadecimal digits.</summary>
    public static string TransferServerId(string resourceName) => "s-" + Hex(resourceName)[..17];

    public static string TransferHost(string serverId, string region) => $"{serverId}.server.transfer.{region}.amazonaws.com";

    public static string TransferHostKeyFingerprint(string serverId) =>
        "SHA256:" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes("host-key:" + serverId))).TrimEnd('=');

    public static string KmsKeyId(string resourceName)
    {
        var hex = Hex(resourceName);
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..32]}";
    }

    public static string Partition(string region) =>
        region.StartsWith("cn-", StringComparison.Ordinal) ? "aws-cn" : region.StartsWith("us-gov-", StringComparison.Ordinal) ? "aws-us-gov" : "aws";

    private static string Hex(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    private static string? Resource(MockResourceArgs args, ImmutableDictionary<string, object>.Builder state)
    {
        if (args.Type?.StartsWith("aws:", StringComparison.Ordinal) != true) return null;
        var name = args.Name ?? "";
        var inputs = args.Inputs;
        var region = inputs.TryGetValue("region", out var r) ? (string)r : DefaultRegion;
        // IAM is global; every other service's resources report their region.
        if (!args.Type.StartsWith("aws:iam/", StringComparison.Ordinal)) state["region"] = region;
        var partition = Partition(region);
        switch (args.Type)
        {
            case "aws:s3/bucket:Bucket":
                var bucket = (string)inputs["bucket"];
                state["arn"] = $"arn:{partition}:s3:::{bucket}";
                state["bucketRegionalDomainName"] = $"{bucket}.s3.{region}.amazonaws.com";
                return bucket;
            case "aws:kms/key:Key":
                var keyId = KmsKeyId(name);
                state["keyId"] = keyId;
                state["arn"] = $"arn:{partition}:kms:{region}:{AccountId}:key/{keyId}";
                return keyId;
            case "aws:kms/alias:Alias":
                state["arn"] = $"arn:{partition}:kms:{region}:{AccountId}:{inputs["name"]}";
                return (string)inputs["name"];
            case "aws:iam/user:User":
                var user = (string)inputs["name"];
                state["arn"] = $"arn:{partition}:iam::{AccountId}:user/{user}";
                state["uniqueId"] = "AIDA" + Hex(user)[..17].ToUpperInvariant();
                return user;
            case "aws:iam/role:Role":
                var role = (string)inputs["name"];
                state["arn"] = $"arn:{partition}:iam::{AccountId}:role/{role}";
                state["uniqueId"] = "AROA" + Hex(role)[..17].ToUpperInvariant();
                return role;
            case "aws:iam/accessKey:AccessKey":
                state["secret"] = SecretAccessKey(name);
                state["status"] = "Active";
                return AccessKeyId(name);
            case "aws:iam/userPolicy:UserPolicy":
                return $"{inputs["user"]}:{inputs["name"]}";
            case "aws:iam/rolePolicy:RolePolicy":
                return $"{inputs["role"]}:{inputs["name"]}";
            case "aws:transfer/server:Server":
                var serverId = TransferServerId(name);
                state["arn"] = $"arn:{partition}:transfer:{region}:{AccountId}:server/{serverId}";
                state["endpoint"] = TransferHost(serverId, region);
                state["hostKeyFingerprint"] = TransferHostKeyFingerprint(serverId);
                return serverId;
            case "aws:transfer/user:User":
                state["arn"] = $"arn:{partition}:transfer:{region}:{AccountId}:user/{inputs["serverId"]}/{inputs["userName"]}";
                return $"{inputs["serverId"]}/{inputs["userName"]}";
            case "aws:transfer/sshKey:SshKey":
                var sshKeyId = "key-" + Hex(name)[..17];
                state["sshKeyId"] = sshKeyId;
                return $"{inputs["serverId"]}/{inputs["userName"]}/{sshKeyId}";
            default:
                return null;
        }
    }
}
