using System.Reflection;
using System.Text.Json;
using Pulumi;
using Pulumi.Testing;

namespace DestinationKit.Aws.Tests;

/// <summary>Reading what a program asked the engine for.</summary>
internal static class MockAssertions
{
    public const string BucketType = "aws:s3/bucket:Bucket";
    public const string PublicAccessBlockType = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
    public const string OwnershipType = "aws:s3/bucketOwnershipControls:BucketOwnershipControls";
    public const string EncryptionType = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
    public const string VersioningType = "aws:s3/bucketVersioning:BucketVersioning";
    public const string LifecycleType = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration";
    public const string BucketPolicyType = "aws:s3/bucketPolicy:BucketPolicy";
    public const string KeyType = "aws:kms/key:Key";
    public const string AliasType = "aws:kms/alias:Alias";
    public const string UserType = "aws:iam/user:User";
    public const string UserPolicyType = "aws:iam/userPolicy:UserPolicy";
    public const string AccessKeyType = "aws:iam/accessKey:AccessKey";
    public const string RoleType = "aws:iam/role:Role";
    public const string RolePolicyType = "aws:iam/rolePolicy:RolePolicy";
    public const string RolePolicyAttachmentType = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
    public const string ServerType = "aws:transfer/server:Server";
    public const string TransferUserType = "aws:transfer/user:User";
    public const string SshKeyType = "aws:transfer/sshKey:SshKey";
    public const string PrivateKeyType = "tls:index/privateKey:PrivateKey";

    /// <summary>The resources every landing bucket consists of, one each.</summary>
    public static readonly string[] BucketResourceTypes =
        [BucketType, PublicAccessBlockType, OwnershipType, EncryptionType, VersioningType, LifecycleType, BucketPolicyType];

    public static Dictionary<string, int> Counts(RecordingMocks mocks) =>
        mocks.Created.GroupBy(r => r.Type ?? "").ToDictionary(g => g.Key, g => g.Count());

    public static MockResourceArgs Single(RecordingMocks mocks, string type) => Assert.Single(mocks.OfType(type));

    public static MockResourceArgs Named(RecordingMocks mocks, string type, string name) => Assert.Single(mocks.OfType(type), r => r.Name == name);

    public static IReadOnlyDictionary<string, object> Map(object value) => Assert.IsAssignableFrom<IReadOnlyDictionary<string, object>>(value);

    public static IReadOnlyList<object> List(object value) => [.. Assert.IsAssignableFrom<IEnumerable<object>>(value)];

    /// <summary>A policy document re-serialised without whitespace, for comparing with the expected JSON.</summary>
    public static string Compact(object policy) => JsonSerializer.Serialize(JsonDocument.Parse((string)policy).RootElement);

    /// <summary>Every action of every Allow statement of a policy document.</summary>
    public static IEnumerable<string> AllowedActions(object policy)
    {
        using var document = JsonDocument.Parse((string)policy);
        return [.. document.RootElement.GetProperty("Statement").EnumerateArray()
            .Where(s => s.GetProperty("Effect").GetString() == "Allow")
            .SelectMany(s => s.GetProperty("Action").ValueKind == JsonValueKind.Array
                ? s.GetProperty("Action").EnumerateArray().Select(a => a.GetString()!)
                : [s.GetProperty("Action").GetString()!])];
    }

    /// <summary>Whether the provider's resource type has a <c>tags</c> input, read from the SDK itself, so a resource
    /// that gains tags in a later provider version fails the tagging tests until it is tagged.</summary>
    public static bool TakesTags(string type)
    {
        var resource = typeof(Pulumi.Aws.S3.Bucket).Assembly.GetTypes()
            .Single(t => t.GetCustomAttribute<ResourceTypeAttribute>()?.Type == type);
        var args = resource.GetConstructors().Single(c => c.GetParameters().Length == 3).GetParameters()[1].ParameterType;
        return args.GetMembers(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
            .SelectMany(m => m.GetCustomAttributesData())
            .Any(a => a.AttributeType == typeof(InputAttribute) && (string?)a.ConstructorArguments[0].Value == "tags");
    }

    public static readonly Dictionary<string, object> ExpectedTags = new()
    {
        ["cost-center"] = "cc:42",
        ["destination-prefix"] = "aep",
        ["managed-by"] = "destinationkit",
        ["stack"] = Specs.Stack,
        ["team"] = "data platform",
    };

    /// <summary>The <c>tags</c> setting that yields <see cref="ExpectedTags"/>.</summary>
    public const string TagsSetting = """{"team": "data platform", "cost-center": "cc:42"}""";
}
