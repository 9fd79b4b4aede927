using System.Collections.Immutable;
using DestinationKit.Model.Permissions;
using Pulumi;
using Pulumi.Gcp.Projects;
using Pulumi.Gcp.ServiceAccount;
using Pulumi.Gcp.Storage;
using Pulumi.Gcp.Storage.Inputs;

namespace DestinationKit.Gcp;

/// <summary>The <c>gcp-gcs</c> batch target: a private, versioned landing bucket that AEP exports files into, and per
/// tenant a service account that may create, read, list and delete objects only under the tenant's prefix, with an
/// HMAC key for it (what AEP's Google Cloud Storage destination takes). docs/gcp.md explains each setting.</summary>
public sealed class GcsLandingZone : ComponentResource
{
    public const string TypeToken = "destinationkit:gcp:GcsLandingZone";

    public GcsLandingZone(string name, GcsLandingZoneArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        ArgumentNullException.ThrowIfNull(args);
        var child = new CustomResourceOptions { Parent = this };

        var (kmsKeyName, keyAccess) = args.CustomerManagedEncryption
            ? BucketKey.Create(this, name, args.Location, args.KmsKeyName, Labels(args))
            : (null, null);
        KmsKeyName = kmsKeyName;

        var bucket = new Bucket($"{name}-bucket", BucketArgs(args, kmsKeyName), new CustomResourceOptions
        {
            Parent = this,
            // Cloud Storage checks the service agent's access to the key when the bucket is created.
            DependsOn = keyAccess is null ? [] : [keyAccess],
        });
        BucketName = bucket.Name;

        var role = new IAMCustomRole($"{name}-tenant-role", new IAMCustomRoleArgs
        {
            RoleId = args.TenantRoleId,
            Title = "DestinationKit landing tenant",
            Description = $"Object access AEP needs in {args.BucketName}; bound per tenant with a condition on its prefix.",
            Permissions = [.. GcsPermissions.TenantRolePermissions],
            Stage = "GA",
        }, child);
        TenantRoleName = role.Name;

        Tenants = args.Tenants.ToImmutableSortedDictionary(
            t => t.Id, t => Tenant(name, t, bucket, role, child), StringComparer.Ordinal);

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["bucketName"] = BucketName,
            ["tenantRoleName"] = TenantRoleName,
            ["kmsKeyName"] = KmsKeyName,
            ["tenants"] = TenantSummary(Tenants.Values),
            ["hmacSecrets"] = Output.All(Tenants.Values.Select(t => t.HmacSecret.Apply(s => KeyValuePair.Create(t.TenantId, s))))
                .Apply(pairs => Output.CreateSecret(pairs.ToImmutableDictionary())),
        });
    }

    public Output<string> BucketName { get; }

    /// <summary>The bucket's default Cloud KMS key; null with Google-managed encryption.</summary>
    public Output<string>? KmsKeyName { get; }

    /// <summary><c>projects/{project}/roles/{roleId}</c> of the tenants' custom role.</summary>
    public Output<string> TenantRoleName { get; }

    /// <summary>Per tenant id: its prefix, service account and HMAC key.</summary>
    public ImmutableSortedDictionary<string, GcsTenantAccess> Tenants { get; }

    private static BucketArgs BucketArgs(GcsLandingZoneArgs args, Output<string>? kmsKeyName)
    {
        var bucket = new BucketArgs
        {
            Name = args.BucketName,
            Location = args.Location,
            ForceDestroy = args.ForceDestroy,
            UniformBucketLevelAccess = true,
            PublicAccessPrevention = "enforced",
            Versioning = new BucketVersioningArgs { Enabled = true },
            LifecycleRules =
            {
                new BucketLifecycleRuleArgs
                {
                    Action = new BucketLifecycleRuleActionArgs { Type = "Delete" },
                    Condition = new BucketLifecycleRuleConditionArgs { Age = args.RetentionDays, WithState = "LIVE" },
                },
                new BucketLifecycleRuleArgs
                {
                    Action = new BucketLifecycleRuleActionArgs { Type = "Delete" },
                    Condition = new BucketLifecycleRuleConditionArgs { DaysSinceNoncurrentTime = args.RetentionDays, WithState = "ARCHIVED" },
                },
            },
            Labels = Labels(args),
        };
        if (kmsKeyName is not null) bucket.Encryption = new BucketEncryptionArgs { DefaultKmsKeyName = kmsKeyName };
        return bucket;
    }

    private static InputMap<string> Labels(GcsLandingZoneArgs args) => args.Labels.ToImmutableDictionary(StringComparer.Ordinal);

    private static GcsTenantAccess Tenant(string name, GcsTenantArgs tenant, Bucket bucket, IAMCustomRole role, CustomResourceOptions child)
    {
        var account = new Account($"{name}-{tenant.Id}-sa", new AccountArgs
        {
            AccountId = tenant.ServiceAccountId,
            DisplayName = $"AEP exports for {tenant.Id}",
            Description = $"Used by Adobe Experience Platform, through an HMAC key, to write {tenant.DisplayName}'s exports under {tenant.Prefix}.",
        }, child);

        new BucketIAMMember($"{name}-{tenant.Id}-access", new BucketIAMMemberArgs
        {
            Bucket = bucket.Name,
            Role = role.Name,
            Member = account.Email.Apply(email => $"serviceAccount:{email}"),
            Condition = new BucketIAMMemberConditionArgs
            {
                Title = $"Only objects under {tenant.Prefix}",
                Description = $"Tenant {tenant.Id} may use its own prefix and nothing else in the bucket.",
                Expression = bucket.Name.Apply(bucketName => GcsPermissions.TenantCondition(bucketName, tenant.Prefix)),
            },
        }, child);

        var hmac = new HmacKey($"{name}-{tenant.Id}-hmac", new HmacKeyArgs { ServiceAccountEmail = account.Email }, child);

        return new GcsTenantAccess(tenant.Id, tenant.Prefix, account.Email, hmac.AccessId, hmac.Secret.Apply(secret => Output.CreateSecret(secret)));
    }

    private static Output<ImmutableDictionary<string, ImmutableDictionary<string, string>>> TenantSummary(IEnumerable<GcsTenantAccess> tenants) =>
        Output.All(tenants.Select(t => Output.Tuple(t.ServiceAccountEmail, t.HmacAccessId).Apply(values => KeyValuePair.Create(t.TenantId,
            ImmutableDictionary<string, string>.Empty
                .Add("prefix", t.Prefix)
                .Add("serviceAccount", values.Item1)
                .Add("hmacAccessId", values.Item2)))))
            .Apply(pairs => pairs.ToImmutableDictionary());
}

/// <summary>What a tenant's AEP destination needs: the prefix it exports into, and the HMAC key (access id and a
/// secret secret) of the service account that may write only there.</summary>
public sealed record GcsTenantAccess(
    string TenantId,
    string Prefix,
    Output<string> ServiceAccountEmail,
    Output<string> HmacAccessId,
    Output<string> HmacSecret);
