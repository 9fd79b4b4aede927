using System.Collections.Immutable;
using System.Text;
using Pulumi;
using Pulumi.AzureNative.Storage;
using Pulumi.AzureNative.Storage.Inputs;
using Pulumi.Tls;

namespace DestinationKit.Azure;

/// <summary>The <c>sftp</c> batch target on Azure: a resource group, a hardened StorageV2 account with hierarchical
/// namespace and SFTP, and per tenant a container and a local user that signs in with its own RSA key and may use
/// only that container. AEP's SFTP destination takes the host, <c>&lt;account&gt;.&lt;user&gt;</c> and the base64
/// private key. docs/azure.md explains each setting.</summary>
public sealed class SftpLandingZone : ComponentResource
{
    public const string TypeToken = "destinationkit:azure:SftpLandingZone";

    public const int Port = 22;

    /// <summary>Read, create, write, delete, list: writing and replacing export files, and listing and reading them
    /// back, which SFTP clients do to check an upload; nothing that changes ownership or permissions.</summary>
    public const string ContainerPermissions = "rcwdl";

    public SftpLandingZone(string name, SftpLandingZoneArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        ArgumentNullException.ThrowIfNull(args);
        var child = new CustomResourceOptions { Parent = this };

        var group = LandingStorage.ResourceGroup(name, args.Settings, child);
        ResourceGroupName = group.Name;
        var account = LandingStorage.Account(name, args.AccountName, group, args.Settings, AccountFeatures.Sftp, child);
        AccountName = account.Name;
        Host = account.Name.Apply(StorageEndpoints.BlobHost);

        Tenants = args.Tenants.ToImmutableSortedDictionary(t => t.Id, t =>
        {
            var container = LandingStorage.Container(name, t.Container, account, group, child);
            var key = new PrivateKey($"{name}-{t.Id}-key", new PrivateKeyArgs { Algorithm = "RSA", RsaBits = SftpLandingZoneArgs.RsaBits }, child);
            // The OpenSSH public key ends with a newline, which is not part of the "<type> <data>" Azure expects.
            var publicKey = key.PublicKeyOpenssh.Apply(k => k.Trim());
            var user = new LocalUser($"{name}-{t.Id}-user", new LocalUserArgs
            {
                Username = t.LocalUser,
                AccountName = account.Name,
                ResourceGroupName = group.Name,
                HomeDirectory = container.Name,
                PermissionScopes =
                {
                    new PermissionScopeArgs { Service = "blob", ResourceName = container.Name, Permissions = ContainerPermissions },
                },
                SshAuthorizedKeys =
                {
                    new SshPublicKeyArgs { Description = $"AEP exports of tenant {t.Id}", Key = publicKey },
                },
                HasSshKey = true,
                HasSshPassword = false,
                HasSharedKey = false,
            }, child);
            return new SftpTenantAccess(
                t.Id,
                container.Name,
                Output.Tuple(account.Name, user.Name).Apply(v => $"{v.Item1}.{v.Item2}"),
                // AEP takes the private key (PEM, unencrypted) base64-encoded.
                key.PrivateKeyPem.Apply(pem => Output.CreateSecret(Convert.ToBase64String(Encoding.UTF8.GetBytes(pem)))),
                publicKey);
        }, StringComparer.Ordinal);

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["resourceGroupName"] = ResourceGroupName,
            ["storageAccountName"] = AccountName,
            ["host"] = Host,
            ["tenants"] = Output.All(Tenants.Values.Select(t => Output.Tuple(t.Container, t.UserName).Apply(v => KeyValuePair.Create(t.TenantId,
                    ImmutableDictionary<string, string>.Empty
                        .Add("container", v.Item1)
                        .Add("username", v.Item2)))))
                .Apply(pairs => pairs.ToImmutableDictionary()),
            ["privateKeys"] = Output.All(Tenants.Values.Select(t => t.PrivateKeyBase64.Apply(k => KeyValuePair.Create(t.TenantId, k))))
                .Apply(pairs => Output.CreateSecret(pairs.ToImmutableDictionary())),
        });
    }

    public Output<string> ResourceGroupName { get; }

    public Output<string> AccountName { get; }

    /// <summary>The SFTP host: the account's Blob endpoint host.</summary>
    public Output<string> Host { get; }

    /// <summary>Per tenant id: its container, SFTP user name and key.</summary>
    public ImmutableSortedDictionary<string, SftpTenantAccess> Tenants { get; }
}

/// <summary>What a tenant's AEP destination needs: the SFTP user name (<c>&lt;account&gt;.&lt;local user&gt;</c>), the
/// base64 of its unencrypted PEM RSA private key (secret), and the container it lands in.</summary>
public sealed record SftpTenantAccess(string TenantId, Output<string> Container, Output<string> UserName, Output<string> PrivateKeyBase64,
    Output<string> PublicKeyOpenssh);
