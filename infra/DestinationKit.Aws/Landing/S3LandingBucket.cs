using System.Collections.Immutable;
using DestinationKit.Model.Permissions;
using Pulumi;
using Pulumi.Aws.Kms;
using Pulumi.Aws.S3;
using Pulumi.Aws.S3.Inputs;
// The bucket's deprecated inline blocks have input types of these names in Pulumi.Aws.S3.Inputs.
using BucketServerSideEncryptionConfigurationArgs = Pulumi.Aws.S3.BucketServerSideEncryptionConfigurationArgs;
using BucketVersioningArgs = Pulumi.Aws.S3.BucketVersioningArgs;

namespace DestinationKit.Aws.Landing;

/// <summary>The S3 bucket AEP exports files into, for the <c>aws-s3</c> and <c>sftp</c> (Transfer Family) targets:
/// all public access blocked, ACLs disabled (bucket owner enforced), default encryption (SSE-S3, or SSE-KMS with S3
/// Bucket Keys), versioning, a lifecycle rule from the retention, and a bucket policy that refuses requests without
/// TLS. Who may use which prefix is up to the component that owns it. docs/aws.md explains each setting.</summary>
public sealed class S3LandingBucket : ComponentResource
{
    public const string TypeToken = "destinationkit:aws:S3LandingBucket";

    /// <summary>Days a deleted key can still be restored (the longest AWS allows).</summary>
    public const int KeyDeletionWindowDays = 30;

    /// <summary>Multipart uploads left unfinished this long are aborted, so their parts stop costing storage.</summary>
    public const int AbortIncompleteUploadsAfterDays = 7;

    public const string LifecycleRuleId = "expire-after-retention";

    /// <summary>With an <see cref="S3LandingBucketArgs.ExpiringPrefix"/>: the rule for the objects outside it.</summary>
    public const string NoncurrentRuleId = "expire-noncurrent-versions";

    public S3LandingBucket(string name, S3LandingBucketArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        ArgumentNullException.ThrowIfNull(args);
        var child = new CustomResourceOptions { Parent = this };

        var bucket = new Bucket(name, new BucketArgs
        {
            BucketName = args.BucketName,
            Region = args.Region,
            ForceDestroy = args.ForceDestroy,
            Tags = Tags(args),
        }, child);
        BucketName = bucket.Id;
        BucketArn = bucket.Arn;
        KmsKeyArn = args.CustomerManagedEncryption ? args.KmsKeyArn is { } given ? Output.Create(given) : Key(name, args, child) : null;

        // S3 refuses concurrent changes to one bucket's configuration (OperationAborted), so each setting waits for
        // the one before it.
        var publicAccess = new BucketPublicAccessBlock($"{name}-public-access", new BucketPublicAccessBlockArgs
        {
            Bucket = bucket.Id,
            Region = args.Region,
            BlockPublicAcls = true,
            BlockPublicPolicy = true,
            IgnorePublicAcls = true,
            RestrictPublicBuckets = true,
        }, child);
        var ownership = new BucketOwnershipControls($"{name}-ownership", new BucketOwnershipControlsArgs
        {
            Bucket = bucket.Id,
            Region = args.Region,
            Rule = new BucketOwnershipControlsRuleArgs { ObjectOwnership = "BucketOwnerEnforced" },
        }, After(publicAccess));
        var encryption = new BucketServerSideEncryptionConfiguration($"{name}-encryption", new BucketServerSideEncryptionConfigurationArgs
        {
            Bucket = bucket.Id,
            Region = args.Region,
            Rules = { EncryptionRule(KmsKeyArn) },
        }, After(ownership));
        var versioning = new BucketVersioning($"{name}-versioning", new BucketVersioningArgs
        {
            Bucket = bucket.Id,
            Region = args.Region,
            VersioningConfiguration = new BucketVersioningVersioningConfigurationArgs { Status = "Enabled" },
        }, After(encryption));
        var lifecycle = new BucketLifecycleConfiguration($"{name}-lifecycle", new BucketLifecycleConfigurationArgs
        {
            Bucket = bucket.Id,
            Region = args.Region,
            Rules = LifecycleRules(args.RetentionDays, args.ExpiringPrefix),
        }, After(versioning));
        new BucketPolicy($"{name}-tls-only", new BucketPolicyArgs
        {
            Bucket = bucket.Id,
            Region = args.Region,
            Policy = AwsPolicies.DenyInsecureTransport(args.Partition, args.BucketName).ToJson(),
        }, After(lifecycle));

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["bucketName"] = BucketName,
            ["bucketArn"] = BucketArn,
            ["kmsKeyArn"] = KmsKeyArn,
        });

        CustomResourceOptions After(Resource previous) => new() { Parent = this, DependsOn = { previous } };
    }

    /// <summary>The bucket's name (its id in the AWS provider).</summary>
    public Output<string> BucketName { get; }

    public Output<string> BucketArn { get; }

    /// <summary>The bucket's default KMS key (ARN, or the alias ARN it was given as); null with SSE-S3.</summary>
    public Output<string>? KmsKeyArn { get; }

    private static InputMap<string> Tags(S3LandingBucketArgs args) => args.Tags.ToImmutableDictionary(StringComparer.Ordinal);

    /// <summary>A key for this bucket alone, rotated yearly by KMS, with the default key policy (the account's IAM
    /// policies decide who may use it) and an alias named after the bucket so it can be told apart in the console.</summary>
    private static Output<string> Key(string name, S3LandingBucketArgs args, CustomResourceOptions child)
    {
        var key = new Key($"{name}-key", new KeyArgs
        {
            Description = $"Default encryption of the AEP landing bucket {args.BucketName}",
            Region = args.Region,
            EnableKeyRotation = true,
            DeletionWindowInDays = KeyDeletionWindowDays,
            Tags = Tags(args),
        }, child);
        new Pulumi.Aws.Kms.Alias($"{name}-key-alias", new AliasArgs
        {
            Name = $"alias/{args.BucketName}",
            Region = args.Region,
            TargetKeyId = key.KeyId,
        }, child);
        return key.Arn;
    }

    private static BucketServerSideEncryptionConfigurationRuleArgs EncryptionRule(Output<string>? kmsKeyArn) => kmsKeyArn is null
        ? new() { ApplyServerSideEncryptionByDefault = new BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs { SseAlgorithm = "AES256" } }
        : new()
        {
            ApplyServerSideEncryptionByDefault = new BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs
            {
                SseAlgorithm = "aws:kms",
                KmsMasterKeyId = kmsKeyArn,
            },
            // One data key per bucket instead of one KMS request per object: far fewer KMS calls and charges.
            BucketKeyEnabled = true,
        };

    /// <summary>Without an expiring prefix, one rule for the whole bucket (empty filter): objects expire after the
    /// retention, their noncurrent versions the same number of days later, and unfinished multipart uploads are
    /// aborted. With one, that rule applies under the prefix, and a second one expires the noncurrent versions of
    /// everything else (and aborts its unfinished uploads).</summary>
    private static InputList<BucketLifecycleConfigurationRuleArgs> LifecycleRules(int retentionDays, string? expiringPrefix)
    {
        var abort = new BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs { DaysAfterInitiation = AbortIncompleteUploadsAfterDays };
        var noncurrent = new BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs { NoncurrentDays = retentionDays };
        var rules = new InputList<BucketLifecycleConfigurationRuleArgs>
        {
            new BucketLifecycleConfigurationRuleArgs
            {
                Id = LifecycleRuleId,
                Status = "Enabled",
                Filter = expiringPrefix is null ? new BucketLifecycleConfigurationRuleFilterArgs() : new BucketLifecycleConfigurationRuleFilterArgs { Prefix = expiringPrefix },
                Expiration = new BucketLifecycleConfigurationRuleExpirationArgs { Days = retentionDays },
                NoncurrentVersionExpiration = noncurrent,
                AbortIncompleteMultipartUpload = abort,
            },
        };
        if (expiringPrefix is not null)
        {
            rules.Add(new BucketLifecycleConfigurationRuleArgs
            {
                Id = NoncurrentRuleId,
                Status = "Enabled",
                Filter = new BucketLifecycleConfigurationRuleFilterArgs(),
                NoncurrentVersionExpiration = noncurrent,
                AbortIncompleteMultipartUpload = abort,
            });
        }
        return rules;
    }
}
