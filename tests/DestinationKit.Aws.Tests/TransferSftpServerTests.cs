using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using DestinationKit.Aws.Landing;
using DestinationKit.Aws.Sftp;
using DestinationKit.Model.Naming;
using DestinationKit.Model.Permissions;
using Pulumi;
using Pulumi.Utilities;
using static DestinationKit.Aws.Tests.MockAssertions;

namespace DestinationKit.Aws.Tests;

public class TransferSftpServerTests
{
    private static Task<(TransferSftpServer Server, ImmutableArray<Resource> Resources)> Run(RecordingMocks mocks,
        Model.Spec.DestinationSpec spec, ComponentResourceOptions? options = null)
    {
        var args = TransferSftpServerArgs.FromSpec(spec);
        return ComponentRunner.RunAsync(mocks, () => new TransferSftpServer("landing", args, options));
    }

    private static Dictionary<string, int> ExpectedCounts(int tenants)
    {
        var expected = BucketResourceTypes.ToDictionary(t => t, _ => 1);
        expected[TransferSftpServer.TypeToken] = 1;
        expected[S3LandingBucket.TypeToken] = 1;
        expected[ServerType] = 1;
        expected[RoleType] = 1 + tenants;
        expected[RolePolicyAttachmentType] = 1;
        expected[RolePolicyType] = tenants;
        expected[TransferUserType] = tenants;
        expected[SshKeyType] = tenants;
        expected[PrivateKeyType] = tenants;
        return expected;
    }

    [Fact]
    public async Task One_tenant_gets_the_server_the_bucket_and_a_user_with_its_own_role_and_key_pair()
    {
        var spec = Specs.Sftp();
        var names = new ResourceNames(spec);
        var mocks = ComponentRunner.NewMocks();

        var (server, _) = await Run(mocks, spec);

        Assert.Equal(ExpectedCounts(1), Counts(mocks));
        var serverId = AwsBehaviour.TransferServerId("landing-server");
        Assert.Equal(AwsBehaviour.TransferHost(serverId, Specs.Region), await OutputUtilities.GetValueAsync(server.Host));
        Assert.Equal(AwsBehaviour.TransferHostKeyFingerprint(serverId), await OutputUtilities.GetValueAsync(server.HostKeyFingerprint));
        Assert.Equal(serverId, await OutputUtilities.GetValueAsync(server.ServerId));
        Assert.Equal(names.LandingBucket, await OutputUtilities.GetValueAsync(server.BucketName));
        var acme = Assert.Single(server.Tenants).Value;
        Assert.Equal(("acme", "acme/"), (acme.UserName, acme.Prefix));
        Assert.Equal("acme", Single(mocks, TransferUserType).Inputs["userName"]);
        Assert.Equal(names.IamRole("acme", TransferSftpServerArgs.RolePurpose), Named(mocks, RoleType, "landing-acme-role").Inputs["name"]);
    }

    [Fact]
    public async Task Three_tenants_get_three_users_roles_and_key_pairs_behind_one_server_and_bucket()
    {
        var spec = Specs.Sftp(Specs.ThreeTenantIds);
        var names = new ResourceNames(spec);
        var mocks = ComponentRunner.NewMocks();

        var (server, _) = await Run(mocks, spec);

        Assert.Equal(ExpectedCounts(3), Counts(mocks));
        string[] tenants = ["acme", "globex", "initech"];
        Assert.Equal(tenants, server.Tenants.Keys);
        Assert.Equal(tenants, mocks.OfType(TransferUserType).Select(u => (string)u.Inputs["userName"]).Order(StringComparer.Ordinal));
        Assert.Equal([.. tenants.Select(t => names.IamRole(t, TransferSftpServerArgs.RolePurpose)).Append(names.TransferLoggingRole).Order(StringComparer.Ordinal)],
            mocks.OfType(RoleType).Select(r => (string)r.Inputs["name"]).Order(StringComparer.Ordinal));
        var keys = await Task.WhenAll(server.Tenants.Values.Select(t => OutputUtilities.GetValueAsync(t.PrivateKeyBase64)));
        Assert.Equal(3, keys.Distinct().Count());
        Assert.Contains("Globex Corporation", (string)Named(mocks, RoleType, "landing-globex-role").Inputs["description"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_server_speaks_only_sftp_with_service_managed_keys_a_current_security_policy_and_logging()
    {
        var spec = Specs.Sftp();
        var names = new ResourceNames(spec);
        var mocks = ComponentRunner.NewMocks();

        await Run(mocks, spec);

        var server = Single(mocks, ServerType).Inputs;
        Assert.Equal(["SFTP"], List(server["protocols"]));
        Assert.Equal("SERVICE_MANAGED", server["identityProviderType"]);
        Assert.Equal("PUBLIC", server["endpointType"]);
        Assert.Equal("S3", server["domain"]);
        Assert.Equal("TransferSecurityPolicy-2024-01", server["securityPolicyName"]);
        Assert.Equal(Specs.Region, server["region"]);
        Assert.Equal("ENABLED", Map(server["s3StorageOptions"])["directoryListingOptimization"]);
        Assert.False(server.ContainsKey("sftpAuthenticationMethods"), "passwords need a custom identity provider; service-managed users have keys only");
        Assert.Equal($"arn:aws:iam::{AwsBehaviour.AccountId}:role/{names.TransferLoggingRole}", server["loggingRole"]);

        var logging = Named(mocks, RoleType, "landing-logging-role").Inputs;
        Assert.Equal(
            """{"Version":"2012-10-17","Statement":[{"Sid":"TransferWritesServerLogs","Effect":"Allow","Principal":{"Service":"transfer.amazonaws.com"},"Action":"sts:AssumeRole"}]}""",
            Compact(logging["assumeRolePolicy"]));
        var attachment = Single(mocks, RolePolicyAttachmentType).Inputs;
        Assert.Equal(names.TransferLoggingRole, attachment["role"]);
        Assert.Equal("arn:aws:iam::aws:policy/service-role/AWSTransferLoggingAccess", attachment["policyArn"]);
    }

    [Fact]
    public async Task Each_user_is_locked_into_its_prefix_through_a_logical_home_directory_and_uses_its_own_role()
    {
        var spec = Specs.Sftp(Specs.ThreeTenantIds);
        var names = new ResourceNames(spec);
        var mocks = ComponentRunner.NewMocks();

        await Run(mocks, spec);

        var serverId = AwsBehaviour.TransferServerId("landing-server");
        foreach (var tenant in new[] { "acme", "globex", "initech" })
        {
            var user = Named(mocks, TransferUserType, $"landing-{tenant}-user").Inputs;
            Assert.Equal(serverId, user["serverId"]);
            Assert.Equal(Specs.Region, user["region"]);
            Assert.Equal("LOGICAL", user["homeDirectoryType"]);
            var mapping = Map(Assert.Single(List(user["homeDirectoryMappings"])));
            Assert.Equal("/", mapping["entry"]);
            Assert.Equal($"/{names.LandingBucket}/{tenant}", mapping["target"]);
            Assert.False(user.ContainsKey("homeDirectory"));
            Assert.Equal($"arn:aws:iam::{AwsBehaviour.AccountId}:role/{names.IamRole(tenant, TransferSftpServerArgs.RolePurpose)}", user["role"]);
        }
    }

    [Fact]
    public async Task Each_role_may_be_assumed_only_by_transfer_for_this_servers_users_and_grants_exactly_aeps_actions_on_its_prefix()
    {
        var spec = Specs.Sftp(Specs.ThreeTenantIds);
        var names = new ResourceNames(spec);
        var mocks = ComponentRunner.NewMocks();

        await Run(mocks, spec);

        var serverId = AwsBehaviour.TransferServerId("landing-server");
        foreach (var tenant in new[] { "acme", "globex", "initech" })
        {
            var role = Named(mocks, RoleType, $"landing-{tenant}-role").Inputs;
            Assert.Equal(
                ("""{"Version":"2012-10-17","Statement":[{"Sid":"TransferAssumesRoleForServerUsers","Effect":"Allow","Principal":{"Service":"transfer.amazonaws.com"},"Action":"sts:"""
                + """AssumeRole","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:transfer:eu-west-1:ACCOUNT:user/SERVER/*"},"StringEquals":{"aws:SourceAccount":"ACCOUNT"}}}]}""")
                .Replace("ACCOUNT", AwsBehaviour.AccountId, StringComparison.Ordinal).Replace("SERVER", serverId, StringComparison.Ordinal),
                Compact(role["assumeRolePolicy"]));
            var policy = Named(mocks, RolePolicyType, $"landing-{tenant}-access").Inputs;
            Assert.Equal(names.IamRole(tenant, TransferSftpServerArgs.RolePurpose), policy["role"]);
            Assert.Equal(AwsPolicies.TenantLandingAccess("aws", names.LandingBucket, $"{tenant}/").ToJson(), policy["policy"]);
            Assert.Equal(["s3:DeleteObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:PutObject", "s3:GetBucketLocation", "s3:ListBucket"],
                AllowedActions(policy["policy"]));
            Assert.DoesNotContain($"arn:aws:s3:::{names.LandingBucket}/*", (string)policy["policy"], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task With_customer_managed_encryption_the_roles_may_use_the_bucket_key()
    {
        var spec = Specs.Sftp(extra: [("encryption", "customer-managed"), ("encryptionKeyId", Specs.KeyArn)]);
        var names = new ResourceNames(spec);
        var mocks = ComponentRunner.NewMocks();

        await Run(mocks, spec);

        Assert.Equal(AwsPolicies.TenantLandingAccess("aws", names.LandingBucket, "acme/", Specs.KeyArn).ToJson(), Single(mocks, RolePolicyType).Inputs["policy"]);
        Assert.Contains("kms:GenerateDataKey", AllowedActions(Single(mocks, RolePolicyType).Inputs["policy"]));
    }

    [Fact]
    public async Task Each_user_gets_an_rsa_4096_key_whose_public_half_is_registered_and_whose_private_half_aep_gets_as_base64_pem()
    {
        var mocks = ComponentRunner.NewMocks();

        var (server, resources) = await Run(mocks, Specs.Sftp(Specs.ThreeTenantIds));

        var serverId = AwsBehaviour.TransferServerId("landing-server");
        foreach (var tenant in server.Tenants.Values)
        {
            var key = Named(mocks, PrivateKeyType, $"landing-{tenant.TenantId}-ssh-key").Inputs;
            Assert.Equal("RSA", key["algorithm"]);
            Assert.Equal(4096.0, key["rsaBits"]);

            var pem = Encoding.UTF8.GetString(Convert.FromBase64String(await OutputUtilities.GetValueAsync(tenant.PrivateKeyBase64)));
            Assert.StartsWith("-----BEGIN RSA PRIVATE KEY-----\n", pem, StringComparison.Ordinal);
            Assert.DoesNotContain("ENCRYPTED", pem, StringComparison.Ordinal);
            using var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            Assert.Equal(4096, rsa.KeySize);

            var registered = Named(mocks, SshKeyType, $"landing-{tenant.TenantId}-ssh-public-key").Inputs;
            Assert.Equal(serverId, registered["serverId"]);
            Assert.Equal(tenant.UserName, registered["userName"]);
            var privateKey = resources.OfType<Pulumi.Tls.PrivateKey>().Single(k => k.GetResourceName() == $"landing-{tenant.TenantId}-ssh-key");
            var openssh = await OutputUtilities.GetValueAsync(privateKey.PublicKeyOpenssh);
            Assert.Equal(openssh.TrimEnd('\n'), registered["body"]);
            Assert.StartsWith("ssh-rsa AAAAB3NzaC1yc2E", (string)registered["body"], StringComparison.Ordinal);
            Assert.Equal(await OutputUtilities.GetValueAsync(privateKey.PublicKeyPem), rsa.ExportSubjectPublicKeyInfoPem() + "\n");
        }
    }

    [Fact]
    public async Task Private_keys_are_pulumi_secrets_and_host_and_users_are_not()
    {
        var (server, _) = await Run(ComponentRunner.NewMocks(), Specs.Sftp(Specs.ThreeTenantIds));

        Assert.All(await Task.WhenAll(server.Tenants.Values.Select(t => Output.IsSecretAsync(t.PrivateKeyBase64))), Assert.True);
        Assert.False(await Output.IsSecretAsync(server.Host));
        Assert.False(await Output.IsSecretAsync(server.HostKeyFingerprint));
    }

    [Fact]
    public async Task Every_resource_that_takes_tags_carries_the_user_tags_and_the_reserved_ones()
    {
        var mocks = ComponentRunner.NewMocks();

        await Run(mocks, Specs.Sftp(Specs.ThreeTenantIds, ("encryption", "customer-managed"), ("tags", TagsSetting)));

        var taggable = mocks.Created.Where(r => r.Type!.StartsWith("aws:", StringComparison.Ordinal) && TakesTags(r.Type)).ToList();
        Assert.Equal([RoleType, KeyType, BucketType, ServerType, TransferUserType], taggable.Select(r => r.Type).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(1 + 1 + 1 + (1 + 3) + 3, taggable.Count);
        Assert.All(taggable, resource => Assert.Equal(ExpectedTags, Map(resource.Inputs["tags"])));
        Assert.DoesNotContain(mocks.Created, r => !r.Type!.StartsWith("aws:", StringComparison.Ordinal) && r.Type != PrivateKeyType
            && r.Type != TransferSftpServer.TypeToken && r.Type != S3LandingBucket.TypeToken);
    }

    [Fact]
    public async Task Every_child_is_parented_to_the_component_which_registers_its_outputs()
    {
        var mocks = ComponentRunner.NewMocks();
        var underComponent = new ConcurrentBag<string>();
        var options = new ComponentResourceOptions
        {
            ResourceTransformations = { args => { underComponent.Add($"{args.Resource.GetResourceType()}::{args.Resource.GetResourceName()}"); return null; } },
        };

        var (server, resources) = await Run(mocks, Specs.Sftp(Specs.ThreeTenantIds), options);

        var children = resources.Where(r => r is CustomResource || r is S3LandingBucket)
            .Select(r => $"{r.GetResourceType()}::{r.GetResourceName()}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(1 + BucketResourceTypes.Length + 3 + 3 * 5, children.Count);
        Assert.Equal(children, underComponent.Where(n => !n.StartsWith(TransferSftpServer.TypeToken, StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Contains(await OutputUtilities.GetValueAsync(server.Urn), mocks.RegisteredOutputs);
    }

    [Fact]
    public async Task A_spec_for_another_target_or_cloud_is_rejected_before_any_resource()
    {
        var mocks = ComponentRunner.NewMocks();
        var azure = Model.Configuration.DestinationSpecParser.Parse(Model.Configuration.StackConfiguration.From(Specs.Project, Specs.Stack,
            new Dictionary<string, string>
            {
                ["destination:mode"] = "batch", ["destination:target"] = "sftp", ["destination:cloud"] = "azure", ["destination:region"] = "westeurope",
                ["destination:tenants"] = """["acme"]""", ["destination:destinationName"] = "Acme Audiences",
            }));

        var s3 = await Assert.ThrowsAsync<ArgumentException>(() => Run(mocks, Specs.S3()));
        var onAzure = await Assert.ThrowsAsync<ArgumentException>(() => Run(mocks, azure));

        Assert.Contains("not aws-s3", s3.Message, StringComparison.Ordinal);
        Assert.Contains("not sftp on azure", onAzure.Message, StringComparison.Ordinal);
        Assert.Empty(mocks.Created);
    }

    [Fact]
    public void Aep_gets_the_pem_itself_base64_encoded()
    {
        const string pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n";

        Assert.Equal("LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlCCi0tLS0tRU5EIFJTQSBQUklWQVRFIEtFWS0tLS0tCg==", TransferSftpServer.AepPrivateKey(pem));
        Assert.Equal("/bucket/acme", TransferSftpServer.HomeDirectoryTarget("bucket", "acme/"));
    }
}
