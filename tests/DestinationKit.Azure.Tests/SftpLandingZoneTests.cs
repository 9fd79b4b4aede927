using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using DestinationKit.Model.Naming;
using Pulumi;
using Pulumi.Utilities;
using static DestinationKit.Azure.Tests.Graph;

namespace DestinationKit.Azure.Tests;

public class SftpLandingZoneTests
{
    private static async Task<(SftpLandingZone Zone, RecordingMocks Mocks)> Run(Model.Spec.DestinationSpec spec)
    {
        var mocks = ComponentRunner.NewMocks();
        var args = SftpLandingZoneArgs.FromSpec(spec);
        var (zone, _) = await ComponentRunner.RunAsync(mocks, () => new SftpLandingZone("landing", args));
        return (zone, mocks);
    }

    [Fact]
    public async Task One_tenant_gets_a_container_an_rsa_key_and_a_local_user_that_signs_in_with_it()
    {
        var spec = Specs.Sftp();
        var names = new ResourceNames(spec);

        var (zone, mocks) = await Run(spec);

        Assert.Equal(
            new Dictionary<string, int>
            {
                [SftpLandingZone.TypeToken] = 1, [ResourceGroupType] = 1, [AccountType] = 1, [ContainerType] = 1, [PolicyType] = 1,
                [PrivateKeyType] = 1, [LocalUserType] = 1,
            },
            Counts(mocks));
        Assert.Empty(mocks.Calls);
        var key = Single(mocks, PrivateKeyType).Inputs;
        Assert.Equal("RSA", key["algorithm"]);
        Assert.Equal(4096.0, key["rsaBits"]);
        Assert.Equal($"{names.StorageAccount}.blob.core.windows.net", await OutputUtilities.GetValueAsync(zone.Host));
        Assert.Equal(22, SftpLandingZone.Port);

        var acme = Assert.Single(zone.Tenants).Value;
        Assert.Equal("acme", await OutputUtilities.GetValueAsync(acme.Container));
        Assert.Equal($"{names.StorageAccount}.acme", await OutputUtilities.GetValueAsync(acme.UserName));
    }

    [Fact]
    public async Task Each_local_user_may_use_only_its_own_container_and_only_with_its_key()
    {
        var spec = Specs.Sftp(Specs.ThreeTenants);
        var names = new ResourceNames(spec);

        var (zone, mocks) = await Run(spec);

        Assert.Equal(3, mocks.OfType(LocalUserType).Count);
        Assert.Equal(3, mocks.OfType(PrivateKeyType).Count);
        Assert.Single(mocks.OfType(AccountType));
        foreach (var (tenant, localUser) in new[] { ("acme", "acme"), ("globex-corp", "globexcorp"), ("initech", "initech") })
        {
            var user = Named(mocks, LocalUserType, $"landing-{tenant}-user").Inputs;
            Assert.Equal(localUser, user["username"]);
            Assert.Null(NameRules.AzureLocalUser(localUser));
            Assert.Equal(names.StorageAccount, user["accountName"]);
            Assert.Equal(names.ResourceGroup, user["resourceGroupName"]);
            Assert.Equal(tenant, user["homeDirectory"]);
            var scope = Map(Assert.Single(List(user["permissionScopes"])));
            Assert.Equal("blob", scope["service"]);
            Assert.Equal(tenant, scope["resourceName"]);
            Assert.Equal("rcwdl", scope["permissions"]);
            Assert.Equal(true, user["hasSshKey"]);
            Assert.Equal(false, user["hasSshPassword"]);
            Assert.Equal(false, user["hasSharedKey"]);

            // The authorized key is the public half of the key whose private half the tenant gets, as "<type> <data>".
            var authorized = Map(Assert.Single(List(user["sshAuthorizedKeys"])));
            var privateKey = await OutputUtilities.GetValueAsync(zone.Tenants[tenant].PrivateKeyBase64);
            using var rsa = RSA.Create();
            rsa.ImportFromPem(Encoding.UTF8.GetString(Convert.FromBase64String(privateKey)));
            Assert.Equal(OpenSshPublicKey(rsa), authorized["key"]);
            Assert.Contains(tenant, (string)authorized["description"], StringComparison.Ordinal);
            Assert.Equal($"{names.StorageAccount}.{localUser}", await OutputUtilities.GetValueAsync(zone.Tenants[tenant].UserName));
        }
        Assert.Equal(3, (await Task.WhenAll(zone.Tenants.Values.Select(t => OutputUtilities.GetValueAsync(t.PrivateKeyBase64)))).Distinct().Count());
    }

    [Fact]
    public async Task The_private_key_is_a_secret_base64_unencrypted_rsa_pem_of_4096_bits()
    {
        var (zone, _) = await Run(Specs.Sftp());

        var acme = zone.Tenants["acme"];
        Assert.True(await Output.IsSecretAsync(acme.PrivateKeyBase64));
        Assert.False(await Output.IsSecretAsync(acme.UserName));
        Assert.False(await Output.IsSecretAsync(zone.Host));
        var pem = Encoding.UTF8.GetString(Convert.FromBase64String(await OutputUtilities.GetValueAsync(acme.PrivateKeyBase64)));
        Assert.StartsWith("-----BEGIN RSA PRIVATE KEY-----", pem, StringComparison.Ordinal);
        Assert.DoesNotContain("ENCRYPTED", pem, StringComparison.Ordinal);
        using var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        Assert.Equal(4096, rsa.KeySize);
    }

    /// <summary>The OpenSSH public key line of an RSA key: <c>ssh-rsa</c> and base64 of the wire encoding (RFC 4253 §6.6).</summary>
    private static string OpenSshPublicKey(RSA rsa)
    {
        var parameters = rsa.ExportParameters(false);
        using var wire = new MemoryStream();
        void Write(byte[] bytes)
        {
            Span<byte> length = stackalloc byte[4];
            BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
            wire.Write(length);
            wire.Write(bytes);
        }
        // mpints are two's complement: a leading zero keeps a high first bit from meaning negative.
        static byte[] Mpint(byte[] value) => (value[0] & 0x80) != 0 ? [0, .. value] : value;
        Write(Encoding.ASCII.GetBytes("ssh-rsa"));
        Write(Mpint(parameters.Exponent!));
        Write(Mpint(parameters.Modulus!));
        return $"ssh-rsa {Convert.ToBase64String(wire.ToArray())}";
    }
}
