using System.Collections.Immutable;
using DestinationKit.Model.Configuration;
using DestinationKit.Model.Naming;
using DestinationKit.Model.Permissions;
using DestinationKit.Model.Spec;

namespace DestinationKit.Aws.Landing;

/// <summary>What <see cref="S3LandingBucket"/> creates, as plain values decided from the spec.</summary>
public sealed record S3LandingBucketArgs
{
    /// <summary>The landing bucket's name (<see cref="ResourceNames.LandingBucket"/>).</summary>
    public required string BucketName { get; init; }

    /// <summary>The AWS region of the bucket and of the key the component may create; set on every regional
    /// resource, so <c>destination:region</c> decides where they live whatever the provider's <c>aws:region</c>.</summary>
    public required string Region { get; init; }

    /// <summary>Days after which objects, and separately their noncurrent versions, are deleted.</summary>
    public required int RetentionDays { get; init; }

    /// <summary>Lets <c>pulumi destroy</c> delete the bucket with its objects (throw-away stacks only).</summary>
    public bool ForceDestroy { get; init; }

    /// <summary>Null: every object expires after <see cref="RetentionDays"/>. A prefix: only objects under it expire;
    /// the others stay, and only their noncurrent versions expire (a bucket that also keeps state, such as the
    /// streaming sink's audiences).</summary>
    public string? ExpiringPrefix { get; init; }

    /// <summary>True: SSE-KMS with <see cref="KmsKeyArn"/> or a key the component creates. False: SSE-S3.</summary>
    public required bool CustomerManagedEncryption { get; init; }

    /// <summary>An existing KMS key or alias ARN; null to let the component create a key.</summary>
    public string? KmsKeyArn { get; init; }

    /// <summary>Tags for every resource that takes tags.</summary>
    public required ImmutableSortedDictionary<string, string> Tags { get; init; }

    /// <summary>The ARN partition of <see cref="Region"/> (aws, aws-cn, aws-us-gov, …).</summary>
    public string Partition => AwsPolicies.Partition(Region);

    /// <summary>The landing bucket of an <c>aws-s3</c> or <c>sftp</c> (cloud <c>aws</c>) spec.</summary>
    public static S3LandingBucketArgs FromSpec(DestinationSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Target is not (DestinationTarget.AwsS3 or DestinationTarget.Sftp) || spec.Cloud != CloudProvider.Aws)
            throw new ArgumentException($"an S3 landing bucket is built for target aws-s3 or sftp on aws, not {DestinationSpecParser.TargetName(spec.Target)} on {spec.Cloud?.ToString().ToLowerInvariant() ?? "no cloud"}", nameof(spec));
        var customerManaged = spec.Encryption.Kind == EncryptionKind.CustomerManaged;
        return new S3LandingBucketArgs
        {
            BucketName = new ResourceNames(spec).LandingBucket,
            Region = spec.Region ?? throw new ArgumentException("an S3 landing bucket needs a region", nameof(spec)),
            RetentionDays = spec.RetentionDays,
            ForceDestroy = spec.ForceDestroy,
            CustomerManagedEncryption = customerManaged,
            KmsKeyArn = customerManaged ? spec.Encryption.KeyId : null,
            Tags = ResourceTags.For(spec),
        };
    }
}
