using System.Collections.Immutable;
using System.Text;
using DestinationKit.Aws.Landing;
using DestinationKit.Model.Permissions;
using Pulumi;
using Pulumi.Aws.Iam;
// Pulumi.Aws.Iam has resources of these names too (IAM users and their SSH keys).
using SshKey = Pulumi.Aws.Transfer.SshKey;
using SshKeyArgs = Pulumi.Aws.Transfer.SshKeyArgs;
using User = Pulumi.Aws.Transfer.User;
using UserArgs = Pulumi.Aws.Transfer.UserArgs;
using Pulumi.Aws.Transfer;
using Pulumi.Aws.Transfer.Inputs;
using Pulumi.Tls;

namespace DestinationKit.Aws.Sftp;

/// <summary>The <c>sftp</c> batch target on AWS: an AWS Transfer Family SFTP server with service-managed users in
/// front of an <see cref="S3LandingBucket"/>. Per tenant: a user locked into the tenant's prefix (a logical home
/// directory, so "/" is that prefix), a role Transfer Family uses for it with exactly AEP's actions on the prefix, and
/// an RSA 4096 key pair whose private key AEP gets (base64 of the PEM, no passphrase, a Pulumi secret).
/// Passwords are not offered: Transfer Family checks passwords only through a custom identity provider.
/// docs/aws.md explains each setting and the server's standing cost.</summary>
public sealed class TransferSftpServer : ComponentResource
{
    public const string TypeToken = "destinationkit:aws:TransferSftpServer";

    public const int Port = 22;

    /// <summary>Transfer Family's 2024 policy: modern key exchange, ciphers and MACs, RSA keys signed with SHA-2.</summary>
    public const string SecurityPolicyName = "TransferSecurityPolicy-2024-01";

    public const int RsaBits = 4096;

    public TransferSftpServer(string name, TransferSftpServerArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        ArgumentNullException.ThrowIfNull(args);
        var bucket = new S3LandingBucket(name, args.Bucket, new ComponentResourceOptions { Parent = this });
        BucketName = bucket.BucketName;
        KmsKeyArn = bucket.KmsKeyArn;
        var child = new CustomResourceOptions { Parent = this };
        var tags = args.Bucket.Tags.ToImmutableDictionary(StringComparer.Ordinal);

        var loggingRole = new Role($"{name}-logging-role", new RoleArgs
        {
            Name = args.LoggingRoleName,
            Description = $"Lets the AEP landing SFTP server in front of {args.Bucket.BucketName} write its logs to CloudWatch.",
            AssumeRolePolicy = AwsPolicies.TransferLoggingTrust().ToJson(),
            Tags = tags,
        }, child);
        var logging = new RolePolicyAttachment($"{name}-logging-policy", new RolePolicyAttachmentArgs
        {
            Role = loggingRole.Name,
            PolicyArn = AwsPolicies.TransferLoggingPolicyArn(args.Bucket.Partition),
        }, child);

        var server = new Server($"{name}-server", new ServerArgs
        {
            Region = args.Bucket.Region,
            Protocols = { "SFTP" },
            Domain = "S3",
            EndpointType = "PUBLIC",
            IdentityProviderType = "SERVICE_MANAGED",
            SecurityPolicyName = SecurityPolicyName,
            LoggingRole = loggingRole.Arn,
            // Folders are listed from an index instead of by scanning the prefix.
            S3StorageOptions = new ServerS3StorageOptionsArgs { DirectoryListingOptimization = "ENABLED" },
            Tags = tags,
        }, new CustomResourceOptions { Parent = this, DependsOn = { logging } });
        Host = server.Endpoint;
        HostKeyFingerprint = server.HostKeyFingerprint;
        ServerId = server.Id;

        Tenants = args.Tenants.ToImmutableSortedDictionary(t => t.Id, t => Tenant(name, args.Bucket, t, server, bucket.KmsKeyArn, tags, child),
            StringComparer.Ordinal);

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["bucketName"] = BucketName,
            ["kmsKeyArn"] = KmsKeyArn,
            ["serverId"] = ServerId,
            ["host"] = Host,
            ["hostKeyFingerprint"] = HostKeyFingerprint,
            ["users"] = Tenants.Values.ToImmutableSortedDictionary(t => t.TenantId, t => t.UserName, StringComparer.Ordinal),
            ["privateKeys"] = Output.All(Tenants.Values.Select(t => t.PrivateKeyBase64.Apply(key => KeyValuePair.Create(t.TenantId, key))))
                .Apply(pairs => Output.CreateSecret(pairs.ToImmutableDictionary())),
        });
    }

    public Output<string> BucketName { get; }

    /// <summary>The bucket's default KMS key; null with SSE-S3.</summary>
    public Output<string>? KmsKeyArn { get; }

    /// <summary>The server's host name, <c>s-….server.transfer.&lt;region&gt;.amazonaws.com</c>.</summary>
    public Output<string> Host { get; }

    /// <summary>The SHA-256 fingerprint of the server's host key, for clients that pin it.</summary>
    public Output<string> HostKeyFingerprint { get; }

    public Output<string> ServerId { get; }

    /// <summary>Per tenant id: its SFTP user and private key.</summary>
    public ImmutableSortedDictionary<string, SftpTenantAccess> Tenants { get; }

    private static SftpTenantAccess Tenant(string name, S3LandingBucketArgs bucket, SftpTenantArgs tenant, Server server,
        Output<string>? kmsKeyArn, ImmutableDictionary<string, string> tags, CustomResourceOptions child)
    {
        var key = new PrivateKey($"{name}-{tenant.Id}-ssh-key", new PrivateKeyArgs { Algorithm = "RSA", RsaBits = RsaBits }, child);

        var role = new Role($"{name}-{tenant.Id}-role", new RoleArgs
        {
            Name = tenant.RoleName,
            Description = $"Used by AWS Transfer Family for SFTP user {tenant.UserName} ({tenant.DisplayName}): its exports under {tenant.Prefix} in {bucket.BucketName}.",
            AssumeRolePolicy = server.Arn.Apply(arn => AwsPolicies.TransferUserTrust(arn).ToJson()),
            Tags = tags,
        }, child);
        new RolePolicy($"{name}-{tenant.Id}-access", new RolePolicyArgs
        {
            Role = role.Name,
            Name = S3LandingZone.AccessPolicyName,
            Policy = S3LandingZone.TenantPolicy(bucket, tenant.Prefix, kmsKeyArn),
        }, child);

        var user = new User($"{name}-{tenant.Id}-user", new UserArgs
        {
            ServerId = server.Id,
            Region = bucket.Region,
            UserName = tenant.UserName,
            Role = role.Arn,
            // The user sees its prefix as "/" and nothing above it.
            HomeDirectoryType = "LOGICAL",
            HomeDirectoryMappings =
            {
                new UserHomeDirectoryMappingArgs { Entry = "/", Target = HomeDirectoryTarget(bucket.BucketName, tenant.Prefix) },
            },
            Tags = tags,
        }, child);
        new SshKey($"{name}-{tenant.Id}-ssh-public-key", new SshKeyArgs
        {
            ServerId = server.Id,
            Region = bucket.Region,
            UserName = user.UserName,
            // The TLS provider's OpenSSH key ends with a newline.
            Body = key.PublicKeyOpenssh.Apply(body => body.Trim()),
        }, child);

        return new SftpTenantAccess(tenant.Id, tenant.UserName, tenant.Prefix,
            key.PrivateKeyPem.Apply(pem => Output.CreateSecret(AepPrivateKey(pem))));
    }

    /// <summary>Where a logical home directory points: <c>/&lt;bucket&gt;/&lt;prefix without its slash&gt;</c>.</summary>
    public static string HomeDirectoryTarget(string bucketName, string prefix) => $"/{bucketName}/{prefix.TrimEnd('/')}";

    /// <summary>What AEP's SFTP connection takes as the SSH key: the RSA private key's PEM, base64-encoded, without a
    /// passphrase (shared/AEP.md §4.2).</summary>
    public static string AepPrivateKey(string privateKeyPem) => Convert.ToBase64String(Encoding.UTF8.GetBytes(privateKeyPem));
}

/// <summary>What a tenant's AEP destination needs: its SFTP user and its private key (base64 PEM, a Pulumi secret).
/// The prefix is where its files land in the bucket; over SFTP it is "/".</summary>
public sealed record SftpTenantAccess(string TenantId, string UserName, string Prefix, Output<string> PrivateKeyBase64);
