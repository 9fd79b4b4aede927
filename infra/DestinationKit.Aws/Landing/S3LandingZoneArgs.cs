using System.Collections.Immutable;
using DestinationKit.Model.Configuration;
using DestinationKit.Model.Naming;
using DestinationKit.Model.Spec;

namespace DestinationKit.Aws.Landing;

/// <summary>What <see cref="S3LandingZone"/> creates, as plain values: every name and setting is decided here,
/// from the spec, so the component itself only turns them into resources.</summary>
public sealed record S3LandingZoneArgs
{
    public required S3LandingBucketArgs Bucket { get; init; }

    /// <summary>How AEP reaches a tenant's prefix: its own IAM user and access key, or a role Adobe's account assumes.</summary>
    public required S3AccessMode Access { get; init; }

    public required ImmutableArray<S3TenantArgs> Tenants { get; init; }

    public static S3LandingZoneArgs FromSpec(DestinationSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Target != DestinationTarget.AwsS3)
            throw new ArgumentException($"an S3 landing zone is built for target aws-s3, not {DestinationSpecParser.TargetName(spec.Target)}", nameof(spec));
        var names = new ResourceNames(spec);
        return new S3LandingZoneArgs
        {
            Bucket = S3LandingBucketArgs.FromSpec(spec),
            Access = spec.S3Access,
            Tenants = [.. spec.Tenants.Select(t => new S3TenantArgs(
                t.Id,
                ResourceNames.TenantPrefix(t.Id),
                spec.S3Access == S3AccessMode.AdobeRole ? names.IamRole(t.Id, AdobeRolePurpose) : names.IamUser(t.Id),
                t.DisplayName ?? t.Id))],
        };
    }

    /// <summary>The purpose part of the names of the roles Adobe assumes.</summary>
    public const string AdobeRolePurpose = "adobe";
}

/// <summary>One tenant: the object prefix it may use, the name of its IAM user or role, and a human-readable name.</summary>
public sealed record S3TenantArgs(string Id, string Prefix, string IamName, string DisplayName);
