using System.Collections.Concurrent;
using DestinationKit.Aws.Landing;
using DestinationKit.Model.Naming;
using DestinationKit.Model.Permissions;
using Pulumi;
using Pulumi.Utilities;
using static DestinationKit.Aws.Tests.MockAssertions;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace DestinationKit.Aws.Tests;

public class S3LandingZoneTests
{
    private static Task<(S3LandingZone Zone, System.Collections.Immutable.ImmutableArray<Resource> Resources)> Run(RecordingMocks mocks,
        Model.Spec.DestinationSpec spec, ComponentResourceOptions? options = null)
    {
        var args = S3LandingZoneArgs.FromSpec(spec);
        return ComponentRunner.RunAsync(mocks, () => new S3LandingZone("landing", args, options));
    }

    [Fact]
    public async Task One_tenant_gets_the_bucket_and_its_own_iam_user_policy_and_access_key()
    {
        var spec = Specs.S3();
        var names = new ResourceNames(spec);
        var mocks = ComponentRunner.NewMocks();

        var (zone, _) = await Run(mocks, spec);

        var expected = BucketResourceTypes.ToDictionary(t => t, _ => 1);
        expected[S3LandingZone.TypeToken] = 1;
        expected[S3LandingBucket.TypeToken] = 1;
        expected[UserType] = 1;
        expected[UserPolicyType] = 1;
        expected[AccessKeyType] = 1;
        Assert.Equal(expected, Counts(mocks));
        Assert.Equal(names.LandingBucket, Single(mocks, BucketType).Inputs["bucket"]);
        Assert.Equal(names.IamUser("acme"), Single(mocks, UserType).Inputs["name"]);
        Assert.Equal(names.LandingBucket, await OutputUtilities.GetValueAsync(zone.BucketName));
        Assert.Null(zone.KmsKeyArn);

        var acme = Assert.Single(zone.Tenants).Value;
        Assert.Equal("acme/", acme.Prefix);
        Assert.Equal($"arn:aws:iam::{AwsBehaviour.AccountId}:user/{names.IamUser("acme")}", await OutputUtilities.GetValueAsync(acme.PrincipalArn));
        Assert.Equal(AwsBehaviour.AccessKeyId("landing-acme-access-key"), await OutputUtilities.GetValueAsync(acme.AccessKey!.Id));
        Assert.Equal(AwsBehaviour.SecretAccessKey("landing-acme-access-key"), await OutputUtilities.GetValueAsync(acme.AccessKey.Secret));
        Assert.Equal(names.IamUser("acme"), Single(mocks, AccessKeyType).Inputs["user"]);
        Assert.Equal(names.IamUser("acme"), Single(mocks, UserPolicyType).Inputs["user"]);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("true", true)]
    public async Task Only_a_throw_away_stack_may_destroy_the_bucket_with_its_files(string? forceDestroy, bool expected)
    {
        var spec = forceDestroy is null ? Specs.S3() : Specs.S3(extra: ("forceDestroy", forceDestroy));
        var mocks = ComponentRunner.NewMocks();

        await Run(mocks, spec);

        Assert.Equal(expected, Single(mocks, BucketType).Inputs["forceDestroy"]);
    }

    [Fact]
    public async Task Three_tenants_get_three_users_policies_and_keys_and_share_one_bucket()
    {
        var spec = Specs.S3(Specs.ThreeTenantIds);
        var names = new ResourceNames(spec);
        var mocks = ComponentRunner.NewMocks();

        var (zone, _) = await Run(mocks, spec);

        var expected = BucketResourceTypes.ToDictionary(t => t, _ => 1);
        expected[S3LandingZone.TypeToken] = 1;
        expected[S3LandingBucket.TypeToken] = 1;
        expected[UserType] = 3;
        expected[UserPolicyType] = 3;
        expected[AccessKeyType] = 3;
        Assert.Equal(expected, Counts(mocks));
        string[] tenants = ["acme", "globex", "initech"];
        Assert.Equal(tenants, zone.Tenants.Keys);
        Assert.Equal(tenants.Select(names.IamUser), mocks.OfType(UserType).Select(u => (string)u.Inputs["name"]).Order(StringComparer.Ordinal));
        Assert.Equal(["acme/", "globex/", "initech/"], zone.Tenants.Values.Select(t => t.Prefix));
        Assert.Equal(3, (await Task.WhenAll(zone.Tenants.Values.Select(t => OutputUtilities.GetValueAsync(t.AccessKey!.Id)))).Distinct().Count());
        foreach (var tenant in tenants)
        {
            var policy = Named(mocks, UserPolicyType, $"landing-{tenant}-access").Inputs;
            Assert.Equal(names.IamUser(tenant), policy["user"]);
            Assert.Contains($"/{tenant}/*", (string)policy["policy"], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_bucket_is_private_owner_enforced_encrypted_versioned_tls_only_and_expires_after_the_retention()
    {
        var spec = Specs.S3(extra: ("retentionDays", "45"));
        var bucket = new ResourceNames(spec).LandingBucket;
        var mocks = ComponentRunner.NewMocks();

        await Run(mocks, spec);

        foreach (var type in BucketResourceTypes)
        {
            Assert.Equal(Specs.Region, Single(mocks, type).Inputs["region"]);
            if (type != BucketType) Assert.Equal(bucket, Single(mocks, type).Inputs["bucket"]);
        }
        var block = Single(mocks, PublicAccessBlockType).Inputs;
        foreach (var setting in new[] { "blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets" }) Assert.Equal(true, block[setting]);
        Assert.Equal("BucketOwnerEnforced", Map(Single(mocks, OwnershipType).Inputs["rule"])["objectOwnership"]);

        var rule = Map(Assert.Single(List(Single(mocks, EncryptionType).Inputs["rules"])));
        Assert.Equal(new Dictionary<string, object> { ["sseAlgorithm"] = "AES256" }, Map(rule["applyServerSideEncryptionByDefault"]));
        Assert.False(rule.ContainsKey("bucketKeyEnabled"));
        Assert.Empty(mocks.OfType(KeyType));

        Assert.Equal("Enabled", Map(Single(mocks, VersioningType).Inputs["versioningConfiguration"])["status"]);

        var lifecycle = Map(Assert.Single(List(Single(mocks, LifecycleType).Inputs["rules"])));
        Assert.Equal(S3LandingBucket.LifecycleRuleId, lifecycle["id"]);
        Assert.Equal("Enabled", lifecycle["status"]);
        Assert.Empty(Map(lifecycle["filter"]));
        Assert.Equal(45.0, Map(lifecycle["expiration"])["days"]);
        Assert.Equal(45.0, Map(lifecycle["noncurrentVersionExpiration"])["noncurrentDays"]);
        Assert.Equal(7.0, Map(lifecycle["abortIncompleteMultipartUpload"])["daysAfterInitiation"]);

        Assert.Equal(
            """{"Version":"2012-10-17","Statement":[{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":{"AWS":"*"},"Action":"s3:*","Resource":["arn:aws:s3:::BUCKET","arn:aws:s3:::BUCKET/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"""
                .Replace("BUCKET", bucket, StringComparison.Ordinal),
            Compact(Single(mocks, BucketPolicyType).Inputs["policy"]));
    }

    [Fact]
    public async Task Customer_managed_encryption_creates_a_rotated_key_with_an_alias_and_lets_each_tenant_use_it()
    {
        var spec = Specs.S3(Specs.ThreeTenantIds, ("encryption", "customer-managed"));
        var bucket = new ResourceNames(spec).LandingBucket;
        var mocks = ComponentRunner.NewMocks();

        var (zone, _) = await Run(mocks, spec);

        var key = Single(mocks, KeyType);
        var keyId = AwsBehaviour.KmsKeyId(key.Name!);
        var keyArn = $"arn:aws:kms:{Specs.Region}:{AwsBehaviour.AccountId}:key/{keyId}";
        Assert.Equal(true, key.Inputs["enableKeyRotation"]);
        Assert.Equal(30.0, key.Inputs["deletionWindowInDays"]);
        Assert.Equal(Specs.Region, key.Inputs["region"]);
        Assert.False(key.Inputs.ContainsKey("policy"), "the default key policy leaves access to the account's IAM policies");
        var alias = Single(mocks, AliasType).Inputs;
        Assert.Equal($"alias/{bucket}", alias["name"]);
        Assert.Equal(keyId, alias["targetKeyId"]);

        var rule = Map(Assert.Single(List(Single(mocks, EncryptionType).Inputs["rules"])));
        Assert.Equal(new Dictionary<string, object> { ["sseAlgorithm"] = "aws:kms", ["kmsMasterKeyId"] = keyArn }, Map(rule["applyServerSideEncryptionByDefault"]));
        Assert.Equal(true, rule["bucketKeyEnabled"]);
        Assert.Equal(keyArn, await OutputUtilities.GetValueAsync(zone.KmsKeyArn!));

        foreach (var tenant in new[] { "acme", "globex", "initech" })
        {
            Assert.Equal(AwsPolicies.TenantLandingAccess("aws", bucket, $"{tenant}/", keyArn).ToJson(),
                Named(mocks, UserPolicyType, $"landing-{tenant}-access").Inputs["policy"]);
        }
    }

    [Fact]
    public async Task An_existing_key_is_used_as_it_is()
    {
        var spec = Specs.S3(extra: [("encryption", "customer-managed"), ("encryptionKeyId", Specs.KeyArn)]);
        var mocks = ComponentRunner.NewMocks();

        await Run(mocks, spec);

        Assert.Empty(mocks.OfType(KeyType));
        Assert.Empty(mocks.OfType(AliasType));
        var rule = Map(Assert.Single(List(Single(mocks, EncryptionType).Inputs["rules"])));
        Assert.Equal(Specs.KeyArn, Map(rule["applyServerSideEncryptionByDefault"])["kmsMasterKeyId"]);
        Assert.Contains($"\"Resource\":\"{Specs.KeyArn}\"", (string)Single(mocks, UserPolicyType).Inputs["policy"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_user_policy_is_exactly_aeps_actions_on_its_own_prefix()
    {
        var spec = Specs.S3(Specs.ThreeTenantIds);
        var bucket = new ResourceNames(spec).LandingBucket;
        var mocks = ComponentRunner.NewMocks();

        await Run(mocks, spec);

        foreach (var tenant in new[] { "acme", "globex", "initech" })
        {
            var policy = Named(mocks, UserPolicyType, $"landing-{tenant}-access").Inputs;
            Assert.Equal(S3LandingZone.AccessPolicyName, policy["name"]);
            Assert.Equal(
                ("""{"Version":"2012-10-17","Statement":["""
                + """{"Sid":"AepObjectsInTenantPrefix","Effect":"Allow","Action":["s3:DeleteObject","s3:GetObject","s3:ListMultipartUploadParts","s3:PutObject"],"Resource":"arn:aws:s3:::BUCKET/TENANT/*"},"""
                + """{"Sid":"AepBucketLocation","Effect":"Allow","Action":"s3:GetBucketLocation","Resource":"arn:aws:s3:::BUCKET"},"""
                + """{"Sid":"AepListTenantPrefix","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::BUCKET","Condition":{"StringLike":{"s3:prefix":["TENANT/","TENANT/*"]}}}]}""")
                .Replace("BUCKET", bucket, StringComparison.Ordinal).Replace("TENANT", tenant, StringComparison.Ordinal),
                Compact(policy["policy"]));
            Assert.DoesNotContain(AllowedActions(policy["policy"]), a => a.Contains('*', StringComparison.Ordinal));
        }
        // The only wildcard action anywhere is the bucket policy's Deny.
        Assert.Equal(["s3:*"], mocks.Created.Where(r => r.Inputs.ContainsKey("policy") && r.Type != KeyType)
            .SelectMany(r => Actions(r.Inputs["policy"])).Where(a => a.Contains('*', StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Adobe_role_mode_creates_a_role_adobes_account_may_assume_instead_of_users()
    {
        var spec = Specs.S3(Specs.ThreeTenantIds, ("s3Access", "adobe-role"));
        var names = new ResourceNames(spec);
        var mocks = ComponentRunner.NewMocks();

        var (zone, _) = await Run(mocks, spec);

        Assert.Empty(mocks.OfType(UserType));
        Assert.Empty(mocks.OfType(AccessKeyType));
        Assert.Empty(mocks.OfType(UserPolicyType));
        Assert.Equal(3, mocks.OfType(RoleType).Count);
        foreach (var tenant in zone.Tenants.Values)
        {
            var roleName = names.IamRole(tenant.TenantId, S3LandingZoneArgs.AdobeRolePurpose);
            var role = Named(mocks, RoleType, $"landing-{tenant.TenantId}-role").Inputs;
            Assert.Equal(roleName, role["name"]);
            Assert.Equal(
                """{"Version":"2012-10-17","Statement":[{"Sid":"AdobeAssumesRole","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::670664943635:root"},"Action":"sts:AssumeRole"}]}""",
                Compact(role["assumeRolePolicy"]));
            var policy = Named(mocks, RolePolicyType, $"landing-{tenant.TenantId}-access").Inputs;
            Assert.Equal(roleName, policy["role"]);
            Assert.Equal(AwsPolicies.TenantLandingAccess("aws", names.LandingBucket, tenant.Prefix).ToJson(), policy["policy"]);
            Assert.Null(tenant.AccessKey);
            Assert.Equal($"arn:aws:iam::{AwsBehaviour.AccountId}:role/{roleName}", await OutputUtilities.GetValueAsync(tenant.PrincipalArn));
        }
    }

    [Fact]
    public async Task Secret_access_keys_are_pulumi_secrets_and_key_ids_are_not()
    {
        var (zone, _) = await Run(ComponentRunner.NewMocks(), Specs.S3(Specs.ThreeTenantIds));

        foreach (var tenant in zone.Tenants.Values)
        {
            Assert.True(await Output.IsSecretAsync(tenant.AccessKey!.Secret));
            Assert.False(await Output.IsSecretAsync(tenant.AccessKey.Id));
            Assert.False(await Output.IsSecretAsync(tenant.PrincipalArn));
        }
    }

    [Theory]
    [InlineData("iam-user")]
    [InlineData("adobe-role")]
    public async Task Every_resource_that_takes_tags_carries_the_user_tags_and_the_reserved_ones(string access)
    {
        var mocks = ComponentRunner.NewMocks();

        await Run(mocks, Specs.S3(Specs.ThreeTenantIds, ("encryption", "customer-managed"), ("s3Access", access), ("tags", TagsSetting)));

        var taggable = mocks.Created.Where(r => r.Type!.StartsWith("aws:", StringComparison.Ordinal) && TakesTags(r.Type)).ToList();
        Assert.Equal(access == "iam-user" ? [UserType, KeyType, BucketType] : [RoleType, KeyType, BucketType],
            taggable.Select(r => r.Type).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(1 + 1 + 3, taggable.Count);
        Assert.All(taggable, resource => Assert.Equal(ExpectedTags, Map(resource.Inputs["tags"])));
    }

    [Fact]
    public async Task Every_child_is_parented_to_the_component_which_registers_its_outputs()
    {
        var mocks = ComponentRunner.NewMocks();
        // The SDK applies a component's transformations to the resources whose parent chain reaches it, and only to those.
        var underComponent = new ConcurrentBag<string>();
        var options = new ComponentResourceOptions
        {
            ResourceTransformations = { args => { underComponent.Add($"{args.Resource.GetResourceType()}::{args.Resource.GetResourceName()}"); return null; } },
        };

        var (zone, resources) = await Run(mocks, Specs.S3(Specs.ThreeTenantIds, ("encryption", "customer-managed")), options);

        var children = resources.Where(r => r is CustomResource || r is S3LandingBucket)
            .Select(r => $"{r.GetResourceType()}::{r.GetResourceName()}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(1 + BucketResourceTypes.Length + 2 + 3 * 3, children.Count);
        Assert.Equal(children, underComponent.Where(n => !n.StartsWith(S3LandingZone.TypeToken, StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        var urns = await Task.WhenAll(new Resource[] { zone }.Concat(resources.OfType<S3LandingBucket>()).Select(r => OutputUtilities.GetValueAsync(r.Urn)));
        Assert.All(urns, urn => Assert.Contains(urn, mocks.RegisteredOutputs));
    }

    [Fact]
    public async Task A_spec_for_another_target_is_rejected_before_any_resource()
    {
        var mocks = ComponentRunner.NewMocks();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Run(mocks, Specs.Sftp()));

        Assert.Contains("aws-s3", error.Message, StringComparison.Ordinal);
        Assert.Empty(mocks.Created);
    }

    private static IEnumerable<string> Actions(object policy)
    {
        using var document = System.Text.Json.JsonDocument.Parse((string)policy);
        return [.. document.RootElement.GetProperty("Statement").EnumerateArray().SelectMany(s =>
            s.GetProperty("Action").ValueKind == System.Text.Json.JsonValueKind.Array
                ? s.GetProperty("Action").EnumerateArray().Select(a => a.GetString()!)
                : [s.GetProperty("Action").GetString()!])];
    }
}
