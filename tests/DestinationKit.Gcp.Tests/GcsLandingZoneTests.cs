using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text.RegularExpressions;
using DestinationKit.Model.Naming;
using DestinationKit.Model.Permissions;
using Pulumi;
using Pulumi.Testing;
using Pulumi.Utilities;
using static DestinationKit.Gcp.Tests.MockGraph;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace DestinationKit.Gcp.Tests;

public class GcsLandingZoneTests
{
    private const string BucketType = "gcp:storage/bucket:Bucket";
    private const string AccountType = "gcp:serviceaccount/account:Account";
    private const string RoleType = "gcp:projects/iAMCustomRole:IAMCustomRole";
    private const string BindingType = "gcp:storage/bucketIAMMember:BucketIAMMember";
    private const string HmacType = "gcp:storage/hmacKey:HmacKey";
    private const string KeyRingType = "gcp:kms/keyRing:KeyRing";
    private const string CryptoKeyType = "gcp:kms/cryptoKey:CryptoKey";
    private const string KeyMemberType = "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember";

    [Fact]
    public async Task One_tenant_gets_a_bucket_a_role_and_its_own_service_account_binding_and_hmac_key()
    {
        var spec = Specs.Gcs();
        var names = new ResourceNames(spec);
        var mocks = new RecordingMocks(GcpBehaviour.Instance);

        var (zone, _) = await ComponentRunner.RunAsync(mocks, GcsLandingZoneArgs.FromSpec(spec));

        Assert.Equal(
            new Dictionary<string, int> { [GcsLandingZone.TypeToken] = 1, [AccountType] = 1, [BindingType] = 1, [BucketType] = 1, [HmacType] = 1, [RoleType] = 1 },
            Counts(mocks));
        Assert.Equal(names.LandingBucket, Single(mocks, BucketType).Inputs["name"]);
        Assert.Equal(names.GcpServiceAccountId("acme"), Single(mocks, AccountType).Inputs["accountId"]);
        Assert.Equal(names.LandingBucket, await OutputUtilities.GetValueAsync(zone.BucketName));
        Assert.Null(zone.KmsKeyName);
        Assert.Empty(mocks.Calls);

        var acme = Assert.Single(zone.Tenants).Value;
        Assert.Equal("acme/", acme.Prefix);
        Assert.Equal($"{names.GcpServiceAccountId("acme")}@{GcpBehaviour.Project}.iam.gserviceaccount.com", await OutputUtilities.GetValueAsync(acme.ServiceAccountEmail));
        Assert.Equal(GcpBehaviour.HmacAccessId("landing-acme-hmac"), await OutputUtilities.GetValueAsync(acme.HmacAccessId));
        Assert.Equal(GcpBehaviour.HmacSecret("landing-acme-hmac"), await OutputUtilities.GetValueAsync(acme.HmacSecret));
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("true", true)]
    public async Task Only_a_throw_away_stack_may_destroy_the_bucket_with_its_files(string? forceDestroy, bool expected)
    {
        var spec = forceDestroy is null ? Specs.Gcs() : Specs.Gcs(extra: ("forceDestroy", forceDestroy));
        var mocks = new RecordingMocks(GcpBehaviour.Instance);

        await ComponentRunner.RunAsync(mocks, GcsLandingZoneArgs.FromSpec(spec));

        Assert.Equal(expected, Single(mocks, BucketType).Inputs["forceDestroy"]);
    }

    [Fact]
    public async Task Three_tenants_get_three_service_accounts_bindings_and_hmac_keys_and_share_one_bucket_and_role()
    {
        var spec = Specs.ThreeTenants();
        var names = new ResourceNames(spec);
        var mocks = new RecordingMocks(GcpBehaviour.Instance);

        var (zone, _) = await ComponentRunner.RunAsync(mocks, GcsLandingZoneArgs.FromSpec(spec));

        Assert.Equal(
            new Dictionary<string, int> { [GcsLandingZone.TypeToken] = 1, [AccountType] = 3, [BindingType] = 3, [BucketType] = 1, [HmacType] = 3, [RoleType] = 1 },
            Counts(mocks));
        string[] tenants = ["acme", "globex", "initech"];
        Assert.Equal(tenants, zone.Tenants.Keys);
        Assert.Equal(tenants.Select(names.GcpServiceAccountId).Order(StringComparer.Ordinal),
            mocks.OfType(AccountType).Select(a => (string)a.Inputs["accountId"]).Order(StringComparer.Ordinal));
        foreach (var id in tenants.Select(names.GcpServiceAccountId)) Assert.Null(NameRules.GcpServiceAccountId(id));
        Assert.Equal(tenants.Select(t => $"landing-{t}-hmac"), mocks.OfType(HmacType).Select(h => h.Name!).Order(StringComparer.Ordinal));
        Assert.Equal(3, (await Task.WhenAll(zone.Tenants.Values.Select(t => OutputUtilities.GetValueAsync(t.HmacAccessId)))).Distinct().Count());
        Assert.Equal(["acme/", "globex/", "initech/"], zone.Tenants.Values.Select(t => t.Prefix));
        Assert.Contains("Globex Corporation", (string)mocks.OfType(AccountType).Single(a => a.Name == "landing-globex-sa").Inputs["description"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_child_is_parented_to_the_component_which_registers_its_outputs()
    {
        var mocks = new RecordingMocks(GcpBehaviour.Instance);
        // The SDK applies a component's transformations to the resources whose parent chain reaches it, and only to those.
        var underComponent = new ConcurrentBag<string>();
        var options = new ComponentResourceOptions
        {
            ResourceTransformations =
            {
                args =>
                {
                    underComponent.Add(args.Resource.GetResourceName());
                    return null;
                },
            },
        };

        var (zone, resources) = await ComponentRunner.RunAsync(mocks, GcsLandingZoneArgs.FromSpec(Specs.ThreeTenants(("encryption", "customer-managed"))), options);

        var children = resources.OfType<CustomResource>().Select(r => r.GetResourceName()).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(14, children.Count);
        Assert.Equal(children, underComponent.Where(name => name != "landing").Order(StringComparer.Ordinal));
        var componentUrn = await OutputUtilities.GetValueAsync(zone.Urn);
        Assert.EndsWith($"{GcsLandingZone.TypeToken}::landing", componentUrn, StringComparison.Ordinal);
        Assert.Contains(componentUrn, mocks.RegisteredOutputs);
    }

    [Fact]
    public async Task The_bucket_is_private_versioned_and_deletes_objects_and_old_versions_after_the_retention()
    {
        var mocks = new RecordingMocks(GcpBehaviour.Instance);

        await ComponentRunner.RunAsync(mocks, GcsLandingZoneArgs.FromSpec(Specs.Gcs(extra: ("retentionDays", "45"))));

        var bucket = Single(mocks, BucketType).Inputs;
        Assert.Equal("europe-west1", bucket["location"]);
        Assert.Equal(true, bucket["uniformBucketLevelAccess"]);
        Assert.Equal("enforced", bucket["publicAccessPrevention"]);
        Assert.Equal(true, Map(bucket["versioning"])["enabled"]);
        Assert.False(bucket.ContainsKey("encryption"));
        var rules = List(bucket["lifecycleRules"]).Select(Map).ToList();
        Assert.Equal(2, rules.Count);
        Assert.All(rules, rule => Assert.Equal("Delete", Map(rule["action"])["type"]));
        var live = Map(rules[0]["condition"]);
        Assert.Equal(45.0, live["age"]);
        Assert.Equal("LIVE", live["withState"]);
        var noncurrent = Map(rules[1]["condition"]);
        Assert.Equal(45.0, noncurrent["daysSinceNoncurrentTime"]);
        Assert.Equal("ARCHIVED", noncurrent["withState"]);
        Assert.False(noncurrent.ContainsKey("age"));
    }

    [Fact]
    public async Task Customer_managed_encryption_creates_a_key_in_the_bucket_region_that_the_storage_agent_may_use()
    {
        var mocks = new RecordingMocks(GcpBehaviour.Instance);

        var (zone, _) = await ComponentRunner.RunAsync(mocks, GcsLandingZoneArgs.FromSpec(Specs.Gcs(extra: ("encryption", "customer-managed"))));

        var ring = Single(mocks, KeyRingType);
        Assert.Equal("europe-west1", ring.Inputs["location"]);
        Assert.False(ring.Inputs.ContainsKey("name"), "key rings cannot be deleted, so their names are left to auto-naming");
        var key = Single(mocks, CryptoKeyType);
        var keyId = $"projects/{GcpBehaviour.Project}/locations/europe-west1/keyRings/{ring.Name}/cryptoKeys/{key.Name}";
        Assert.Equal(BucketKey.RotationPeriod, key.Inputs["rotationPeriod"]);
        Assert.Equal("ENCRYPT_DECRYPT", key.Inputs["purpose"]);
        var member = Single(mocks, KeyMemberType).Inputs;
        Assert.Equal(keyId, member["cryptoKeyId"]);
        Assert.Equal("roles/cloudkms.cryptoKeyEncrypterDecrypter", member["role"]);
        Assert.Equal($"serviceAccount:{GcpBehaviour.StorageServiceAgent}", member["member"]);
        Assert.Equal("gcp:storage/getProjectServiceAccount:getProjectServiceAccount", Assert.Single(mocks.Calls).Token);
        Assert.Equal(keyId, Map(Single(mocks, BucketType).Inputs["encryption"])["defaultKmsKeyName"]);
        Assert.Equal(keyId, await OutputUtilities.GetValueAsync(zone.KmsKeyName!));
    }

    [Fact]
    public async Task An_existing_key_is_used_as_it_is()
    {
        var mocks = new RecordingMocks(GcpBehaviour.Instance);

        await ComponentRunner.RunAsync(mocks, GcsLandingZoneArgs.FromSpec(Specs.Gcs(extra: [("encryption", "customer-managed"), ("encryptionKeyId", Specs.KeyId)])));

        Assert.Empty(mocks.OfType(KeyRingType));
        Assert.Empty(mocks.OfType(CryptoKeyType));
        Assert.Empty(mocks.OfType(KeyMemberType));
        Assert.Empty(mocks.Calls);
        Assert.Equal(Specs.KeyId, Map(Single(mocks, BucketType).Inputs["encryption"])["defaultKmsKeyName"]);
    }

    [Fact]
    public async Task The_tenant_role_has_exactly_the_models_permissions_and_no_wildcard()
    {
        var spec = Specs.Gcs();
        var mocks = new RecordingMocks(GcpBehaviour.Instance);

        var (zone, _) = await ComponentRunner.RunAsync(mocks, GcsLandingZoneArgs.FromSpec(spec));

        var role = Single(mocks, RoleType).Inputs;
        var permissions = List(role["permissions"]).Cast<string>().ToList();
        Assert.Equal(GcsPermissions.TenantRolePermissions, permissions);
        Assert.DoesNotContain(permissions, p => p.Contains('*', StringComparison.Ordinal));
        Assert.Equal("GA", role["stage"]);
        var roleId = (string)role["roleId"];
        Assert.Equal(GcsLandingZoneArgs.TenantRoleIdFor(new ResourceNames(spec).LandingBucket), roleId);
        Assert.Matches(new Regex(@"^[a-zA-Z0-9_.]{3,64}$"), roleId);
        Assert.Equal($"projects/{GcpBehaviour.Project}/roles/{roleId}", await OutputUtilities.GetValueAsync(zone.TenantRoleName));
    }

    [Fact]
    public async Task Each_binding_gives_its_own_service_account_the_role_only_under_its_own_prefix()
    {
        var spec = Specs.ThreeTenants();
        var names = new ResourceNames(spec);
        var mocks = new RecordingMocks(GcpBehaviour.Instance);

        await ComponentRunner.RunAsync(mocks, GcsLandingZoneArgs.FromSpec(spec));

        var roleName = $"projects/{GcpBehaviour.Project}/roles/{Single(mocks, RoleType).Inputs["roleId"]}";
        foreach (var tenant in new[] { "acme", "globex", "initech" })
        {
            var binding = mocks.OfType(BindingType).Single(b => b.Name == $"landing-{tenant}-access").Inputs;
            Assert.Equal(names.LandingBucket, binding["bucket"]);
            Assert.Equal(roleName, binding["role"]);
            Assert.Equal($"serviceAccount:{names.GcpServiceAccountId(tenant)}@{GcpBehaviour.Project}.iam.gserviceaccount.com", binding["member"]);
            var condition = Map(binding["condition"]);
            Assert.Equal(GcsPermissions.TenantCondition(names.LandingBucket, $"{tenant}/"), condition["expression"]);
            Assert.Contains($"/objects/{tenant}/", (string)condition["expression"], StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty((string)condition["title"]));
        }
        var hmac = mocks.OfType(HmacType).Single(h => h.Name == "landing-globex-hmac").Inputs;
        Assert.Equal($"{names.GcpServiceAccountId("globex")}@{GcpBehaviour.Project}.iam.gserviceaccount.com", hmac["serviceAccountEmail"]);
    }

    [Fact]
    public async Task Hmac_secrets_are_pulumi_secrets_and_access_ids_are_not()
    {
        var (zone, _) = await ComponentRunner.RunAsync(new RecordingMocks(GcpBehaviour.Instance), GcsLandingZoneArgs.FromSpec(Specs.ThreeTenants()));

        foreach (var tenant in zone.Tenants.Values)
        {
            Assert.True(await Output.IsSecretAsync(tenant.HmacSecret));
            Assert.False(await Output.IsSecretAsync(tenant.HmacAccessId));
        }
    }

    [Fact]
    public async Task Every_resource_that_takes_labels_carries_the_user_tags_and_the_reserved_ones()
    {
        var mocks = new RecordingMocks(GcpBehaviour.Instance);
        var spec = Specs.ThreeTenants(("encryption", "customer-managed"), ("tags", """{"team": "data-platform", "cost-center": "cc-1234"}"""));

        await ComponentRunner.RunAsync(mocks, GcsLandingZoneArgs.FromSpec(spec));

        var expected = new Dictionary<string, object>
        {
            ["cost-center"] = "cc-1234",
            ["destination-prefix"] = "aep",
            ["managed-by"] = "destinationkit",
            ["stack"] = "test",
            ["team"] = "data-platform",
        };
        var labelable = mocks.Created.Where(r => r.Type!.StartsWith("gcp:", StringComparison.Ordinal) && TakesLabels(r.Type)).ToList();
        Assert.Equal([CryptoKeyType, BucketType], labelable.Select(r => r.Type).Order(StringComparer.Ordinal));
        foreach (var resource in labelable)
        {
            Assert.Equal(expected, Map(resource.Inputs["labels"]));
        }
    }

    [Fact]
    public async Task Labels_make_the_stack_name_a_valid_google_label_value()
    {
        var mocks = new RecordingMocks(GcpBehaviour.Instance);

        await ComponentRunner.RunAsync(mocks, GcsLandingZoneArgs.FromSpec(Specs.Gcs(stack: "Prod.EU")));

        var labels = Map(Single(mocks, BucketType).Inputs["labels"]);
        Assert.Equal("prod-eu", labels["stack"]);
        Assert.All(labels.Values.Cast<string>(), value => Assert.Matches(new Regex("^[a-z0-9_-]{0,63}$"), value));
    }

    [Fact]
    public async Task A_spec_for_another_target_is_rejected_before_any_resource()
    {
        var mocks = new RecordingMocks(GcpBehaviour.Instance);
        var s3 = Model.Configuration.DestinationSpecParser.Parse(Model.Configuration.StackConfiguration.From(Specs.Project, Specs.Stack,
            new Dictionary<string, string>
            {
                ["destination:mode"] = "batch", ["destination:target"] = "aws-s3", ["destination:region"] = "eu-west-1",
                ["destination:tenants"] = """["acme"]""", ["destination:destinationName"] = "Acme Audiences",
            }));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => ComponentRunner.RunAsync(mocks, GcsLandingZoneArgs.FromSpec(s3)));

        Assert.Contains("gcp-gcs", error.Message, StringComparison.Ordinal);
        Assert.Empty(mocks.Created);
    }
}
