using System.Collections.Immutable;
using DestinationKit.Model.Naming;
using DestinationKit.Model.Spec;

namespace DestinationKit.Gcp;

/// <summary>What <see cref="GcsLandingZone"/> creates, as plain values: every name and setting is decided here,
/// from the spec, so the component itself only turns them into resources.</summary>
public sealed record GcsLandingZoneArgs
{
    /// <summary>The landing bucket's name (<see cref="ResourceNames.LandingBucket"/>).</summary>
    public required string BucketName { get; init; }

    /// <summary>The Google Cloud region of the bucket and, when the stack creates one, of the key ring.</summary>
    public required string Location { get; init; }

    /// <summary>Days after which live objects, and separately noncurrent versions, are deleted.</summary>
    public required int RetentionDays { get; init; }

    /// <summary>Lets <c>pulumi destroy</c> delete the bucket with its objects (throw-away stacks only).</summary>
    public bool ForceDestroy { get; init; }

    /// <summary>True: the bucket's default key is a Cloud KMS key (<see cref="KmsKeyName"/> or one the component creates).</summary>
    public required bool CustomerManagedEncryption { get; init; }

    /// <summary>An existing Cloud KMS key (<c>projects/…/cryptoKeys/…</c>); null to let the component create one.</summary>
    public string? KmsKeyName { get; init; }

    /// <summary>Id of the project-level custom role the tenants' service accounts are bound to.</summary>
    public required string TenantRoleId { get; init; }

    public required ImmutableArray<GcsTenantArgs> Tenants { get; init; }

    /// <summary>Labels for every resource that takes labels.</summary>
    public required ImmutableSortedDictionary<string, string> Labels { get; init; }

    public static GcsLandingZoneArgs FromSpec(DestinationSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Target != DestinationTarget.GcpGcs)
            throw new ArgumentException($"a GCS landing zone is built for target gcp-gcs, not {spec.Target}", nameof(spec));
        var names = new ResourceNames(spec);
        var customerManaged = spec.Encryption.Kind == EncryptionKind.CustomerManaged;
        return new GcsLandingZoneArgs
        {
            BucketName = names.LandingBucket,
            Location = spec.Region ?? throw new ArgumentException("a GCS landing zone needs a region", nameof(spec)),
            RetentionDays = spec.RetentionDays,
            ForceDestroy = spec.ForceDestroy,
            CustomerManagedEncryption = customerManaged,
            KmsKeyName = customerManaged ? spec.Encryption.KeyId : null,
            TenantRoleId = TenantRoleIdFor(names.LandingBucket),
            Tenants = [.. spec.Tenants.Select(t => new GcsTenantArgs(
                t.Id,
                names.GcpServiceAccountId(t.Id),
                ResourceNames.TenantPrefix(t.Id),
                t.DisplayName ?? t.Id))],
            Labels = ResourceTags.For(spec),
        };
    }

    /// <summary>Custom role ids allow letters, digits, <c>_</c> and <c>.</c> (3–64), no hyphens. Derived from the
    /// bucket name, which is unique to the stack, so two stacks in one project never share a role.</summary>
    public static string TenantRoleIdFor(string bucketName) => $"{bucketName.Replace('-', '_')}_tenant";
}

/// <summary>One tenant: its service account id, the object prefix it may use, and a human-readable name.</summary>
public sealed record GcsTenantArgs(string Id, string ServiceAccountId, string Prefix, string DisplayName);
