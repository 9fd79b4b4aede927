using System.Collections.Immutable;
using DestinationKit.Aws.Landing;
using DestinationKit.Model.Configuration;
using DestinationKit.Model.Naming;
using DestinationKit.Model.Spec;

namespace DestinationKit.Aws.Sftp;

/// <summary>What <see cref="TransferSftpServer"/> creates, as plain values decided from the spec.</summary>
public sealed record TransferSftpServerArgs
{
    /// <summary>The landing bucket behind the server; each tenant's home is its prefix there.</summary>
    public required S3LandingBucketArgs Bucket { get; init; }

    /// <summary>Name of the role the server writes its CloudWatch logs with.</summary>
    public required string LoggingRoleName { get; init; }

    public required ImmutableArray<SftpTenantArgs> Tenants { get; init; }

    public static TransferSftpServerArgs FromSpec(DestinationSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Target != DestinationTarget.Sftp || spec.Cloud != CloudProvider.Aws)
            throw new ArgumentException($"a Transfer Family SFTP server is built for target sftp on aws, not {DestinationSpecParser.TargetName(spec.Target)} on {spec.Cloud?.ToString().ToLowerInvariant() ?? "no cloud"}", nameof(spec));
        var names = new ResourceNames(spec);
        return new TransferSftpServerArgs
        {
            Bucket = S3LandingBucketArgs.FromSpec(spec),
            LoggingRoleName = names.TransferLoggingRole,
            Tenants = [.. spec.Tenants.Select(t => new SftpTenantArgs(
                t.Id,
                ResourceNames.TransferUser(t.Id),
                ResourceNames.TenantPrefix(t.Id),
                names.IamRole(t.Id, RolePurpose),
                t.DisplayName ?? t.Id))],
        };
    }

    /// <summary>The purpose part of the names of the tenants' Transfer Family roles.</summary>
    public const string RolePurpose = "sftp";
}

/// <summary>One tenant: its SFTP user name, its prefix in the landing bucket (its home directory), the name of the
/// role Transfer Family uses for it, and a human-readable name.</summary>
public sealed record SftpTenantArgs(string Id, string UserName, string Prefix, string RoleName, string DisplayName);
