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
            // The streaming target (StreamingEndpoint).
            case "aws:apigatewayv2/api:Api":
                var apiId = ApiId(name);
                state["apiEndpoint"] = ApiEndpoint(apiId, region);
                state["executionArn"] = $"arn:{partition}:execute-api:{region}:{AccountId}:{apiId}";
                state["arn"] = $"arn:{partition}:apigateway:{region}::/apis/{apiId}";
                return apiId;
            case "aws:apigatewayv2/stage:Stage":
                var stage = (string)inputs["name"];
                state["invokeUrl"] = $"{ApiEndpoint((string)inputs["apiId"], region)}/{(stage == "$default" ? "" : stage)}";
                return stage;
            case "aws:apigatewayv2/integration:Integration":
            case "aws:apigatewayv2/route:Route":
            case "aws:apigatewayv2/authorizer:Authorizer":
                return Hex(name)[..7];
            case "aws:cloudwatch/logGroup:LogGroup":
                var logGroup = (string)inputs["name"];
                state["arn"] = $"arn:{partition}:logs:{region}:{AccountId}:log-group:{logGroup}";
                return logGroup;
            case "aws:ssm/parameter:Parameter":
                var parameter = (string)inputs["name"];
                state["arn"] = $"arn:{partition}:ssm:{region}:{AccountId}:parameter{(parameter.StartsWith('/') ? "" : "/")}{parameter}";
                state["version"] = 1;
                return parameter;
            case "aws:lambda/function:Function":
                var function = (string)inputs["name"];
                var functionArn = $"arn:{partition}:lambda:{region}:{AccountId}:function:{function}";
                state["arn"] = functionArn;
                state["invokeArn"] = $"arn:{partition}:apigateway:{region}:lambda:path/2015-03-31/functions/{functionArn}/invocations";
                return function;
            case "aws:lambda/permission:Permission":
                return $"{inputs["function"]}:{name}";
            case "aws:s3/bucketObject:BucketObject":
                state["versionId"] = Hex("version:" + name)[..32];
                return $"{inputs["bucket"]}/{inputs["key"]}";
            case "aws:cognito/userPool:UserPool":
                var poolId = CognitoUserPoolId(name, region);
                state["endpoint"] = $"cognito-idp.{region}.amazonaws.com/{poolId}";
                state["arn"] = $"arn:{partition}:cognito-idp:{region}:{AccountId}:userpool/{poolId}";
                return poolId;
            case "aws:cognito/userPoolDomain:UserPoolDomain":
                return (string)inputs["domain"];
            case "aws:cognito/resourceServer:ResourceServer":
                var identifier = (string)inputs["identifier"];
                state["scopeIdentifiers"] = ImmutableArray.CreateRange(List(inputs, "scopes").Select(scope =>
                    (object)$"{identifier}/{((IReadOnlyDictionary<string, object>)scope)["scopeName"]}"));
                return $"{inputs["userPoolId"]}|{identifier}";
            case "aws:cognito/userPoolClient:UserPoolClient":
                state["clientSecret"] = CognitoClientSecret(name);
                return CognitoClientId(name);
            default:
                return null;
        }
    }

    /// <summary>HTTP API ids are 10 lowercase letters and digits.</summary>
    public static string ApiId(string resourceName) => Hex("api:" + resourceName)[..10];

    public static string ApiEndpoint(string apiId, string region) => $"https://{apiId}.execute-api.{region}.amazonaws.com";

    /// <summary>User pool ids are the region, an underscore and 9 letters and digits.</summary>
    public static string CognitoUserPoolId(string resourceName, string region) => $"{region}_{Hex("pool:" + resourceName)[..9]}";

    /// <summary>App client ids are 26 lowercase letters and digits, their secrets 51 characters.</summary>
    public static string CognitoClientId(string resourceName) => Hex("client:" + resourceName)[..26];

    public static string CognitoClientSecret(string resourceName) => (Hex("client-secret:" + resourceName) + Hex("more:" + resourceName))[..51];

    private static IEnumerable<object> List(ImmutableDictionary<string, object> inputs, string key) =>
        inputs.TryGetValue(key, out var value) ? (IEnumerable<object>)value : [];
}
