using System.Collections.Immutable;
using DestinationKit.Model.Permissions;
using DestinationKit.Model.Spec;
using Pulumi;
using Pulumi.Aws.Iam;

namespace DestinationKit.Aws.Landing;

/// <summary>The <c>aws-s3</c> batch target: an <see cref="S3LandingBucket"/> and, per tenant, an IAM principal that
/// may use only the tenant's prefix, with exactly the actions AEP needs (<see cref="AwsPolicies.TenantLandingAccess"/>):
/// an IAM user with an access key (what AEP's S3 connection form takes), or, with <c>s3Access: adobe-role</c>, a role
/// that Adobe's AWS account may assume. docs/aws.md explains each setting.</summary>
public sealed class S3LandingZone : ComponentResource
{
    public const string TypeToken = "destinationkit:aws:S3LandingZone";

    /// <summary>The name of each tenant's inline policy.</summary>
    public const string AccessPolicyName = "aep-landing-access";

    public S3LandingZone(string name, S3LandingZoneArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        ArgumentNullException.ThrowIfNull(args);
        var bucket = new S3LandingBucket(name, args.Bucket, new ComponentResourceOptions { Parent = this });
        BucketName = bucket.BucketName;
        KmsKeyArn = bucket.KmsKeyArn;
        var child = new CustomResourceOptions { Parent = this };

        Tenants = args.Tenants.ToImmutableSortedDictionary(t => t.Id, t =>
        {
            var policy = TenantPolicy(args.Bucket, t.Prefix, bucket.KmsKeyArn);
            return args.Access == S3AccessMode.AdobeRole
                ? AdobeRole(name, args.Bucket, t, policy, child)
                : UserWithAccessKey(name, args.Bucket, t, policy, child);
        }, StringComparer.Ordinal);

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["bucketName"] = BucketName,
            ["kmsKeyArn"] = KmsKeyArn,
            ["tenants"] = Output.All(Tenants.Values.Select(t => t.PrincipalArn.Apply(arn => KeyValuePair.Create(t.TenantId,
                    ImmutableDictionary<string, string>.Empty.Add("prefix", t.Prefix).Add("principal", arn)))))
                .Apply(pairs => pairs.ToImmutableDictionary()),
            ["secretAccessKeys"] = Output.All(Tenants.Values.Where(t => t.AccessKey is not null)
                    .Select(t => t.AccessKey!.Secret.Apply(secret => KeyValuePair.Create(t.TenantId, secret))))
                .Apply(pairs => Output.CreateSecret(pairs.ToImmutableDictionary())),
        });
    }

    public Output<string> BucketName { get; }

    /// <summary>The bucket's default KMS key; null with SSE-S3.</summary>
    public Output<string>? KmsKeyArn { get; }

    /// <summary>Per tenant id: its prefix and the principal that may use it.</summary>
    public ImmutableSortedDictionary<string, S3TenantAccess> Tenants { get; }

    /// <summary>The tenant's policy; with a key the stack creates, its ARN is known only once the key exists.</summary>
    internal static Output<string> TenantPolicy(S3LandingBucketArgs bucket, string prefix, Output<string>? kmsKeyArn) =>
        kmsKeyArn is null
            ? Output.Create(AwsPolicies.TenantLandingAccess(bucket.Partition, bucket.BucketName, prefix).ToJson())
            : kmsKeyArn.Apply(key => AwsPolicies.TenantLandingAccess(bucket.Partition, bucket.BucketName, prefix, key).ToJson());

    private static S3TenantAccess UserWithAccessKey(string name, S3LandingBucketArgs bucket, S3TenantArgs tenant, Output<string> policy,
        CustomResourceOptions child)
    {
        var user = new User($"{name}-{tenant.Id}-user", new UserArgs
        {
            Name = tenant.IamName,
            Tags = bucket.Tags.ToImmutableDictionary(StringComparer.Ordinal),
        }, child);
        new UserPolicy($"{name}-{tenant.Id}-access", new UserPolicyArgs
        {
            User = user.Name,
            Name = AccessPolicyName,
            Policy = policy,
        }, child);
        var key = new AccessKey($"{name}-{tenant.Id}-access-key", new AccessKeyArgs { User = user.Name }, child);
        return new S3TenantAccess(tenant.Id, tenant.Prefix, user.Arn,
            new S3AccessKey(key.Id, key.Secret.Apply(secret => Output.CreateSecret(secret))));
    }

    private static S3TenantAccess AdobeRole(string name, S3LandingBucketArgs bucket, S3TenantArgs tenant, Output<string> policy,
        CustomResourceOptions child)
    {
        var role = new Role($"{name}-{tenant.Id}-role", new RoleArgs
        {
            Name = tenant.IamName,
            Description = $"Assumed by Adobe Experience Platform to write {tenant.DisplayName}'s exports under {tenant.Prefix} in {bucket.BucketName}.",
            AssumeRolePolicy = AwsPolicies.AdobeTrust(bucket.Partition).ToJson(),
            Tags = bucket.Tags.ToImmutableDictionary(StringComparer.Ordinal),
        }, child);
        new RolePolicy($"{name}-{tenant.Id}-access", new RolePolicyArgs
        {
            Role = role.Name,
            Name = AccessPolicyName,
            Policy = policy,
        }, child);
        return new S3TenantAccess(tenant.Id, tenant.Prefix, role.Arn, AccessKey: null);
    }
}

/// <summary>What a tenant's AEP destination needs: the prefix it exports into, the ARN of the IAM user or role that
/// may use it, and, for an IAM user, its access key (the secret a Pulumi secret).</summary>
public sealed record S3TenantAccess(string TenantId, string Prefix, Output<string> PrincipalArn, S3AccessKey? AccessKey);

/// <summary>An IAM access key: its id and its secret (a Pulumi secret).</summary>
public sealed record S3AccessKey(Output<string> Id, Output<string> Secret);
