using System.Collections.Concurrent;
using DestinationKit.Model.Naming;
using Pulumi;
using Pulumi.Utilities;
using static DestinationKit.Azure.Tests.Graph;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace DestinationKit.Azure.Tests;

/// <summary>What holds for every Azure landing zone: the resource group, the hardening of the storage accounts,
/// private containers, retention, tags, the component's shape, and refusing what it cannot build.</summary>
public class LandingAccountTests
{
    [Theory]
    [MemberData(nameof(Zones.Targets), MemberType = typeof(Zones))]
    public async Task The_resource_group_is_named_and_located_from_the_spec(string target)
    {
        var spec = Zones.Spec(target);
        var mocks = ComponentRunner.NewMocks();

        await ComponentRunner.RunAsync(mocks, Zones.Factory(spec));

        var group = Single(mocks, ResourceGroupType);
        Assert.Equal(new ResourceNames(spec).ResourceGroup, group.Inputs["resourceGroupName"]);
        Assert.Null(NameRules.AzureResourceGroup((string)group.Inputs["resourceGroupName"]));
        Assert.Equal(Specs.Region, group.Inputs["location"]);
        Assert.All(mocks.OfType(AccountType), a =>
        {
            Assert.Equal(Specs.Region, a.Inputs["location"]);
            Assert.Equal(group.Inputs["resourceGroupName"], a.Inputs["resourceGroupName"]);
        });
    }

    [Theory]
    [MemberData(nameof(Zones.Targets), MemberType = typeof(Zones))]
    public async Task Accounts_take_https_with_tls_1_2_only_and_never_serve_anonymous_reads(string target)
    {
        var mocks = ComponentRunner.NewMocks();

        await ComponentRunner.RunAsync(mocks, Zones.Factory(Zones.Spec(target)));

        var account = Single(mocks, AccountType).Inputs;
        Assert.Equal("StorageV2", account["kind"]);
        Assert.Equal("Standard_LRS", Map(account["sku"])["name"]);
        Assert.Equal("Hot", account["accessTier"]);
        Assert.Equal(true, account["enableHttpsTrafficOnly"]);
        Assert.Equal("TLS1_2", account["minimumTlsVersion"]);
        Assert.Equal(false, account["allowBlobPublicAccess"]);
        Assert.Equal(false, account["allowCrossTenantReplication"]);
        Assert.Equal(true, account["allowSharedKeyAccess"]);
        Assert.False(account.ContainsKey("publicNetworkAccess"), "AEP's addresses for Azure are not published, so the account stays reachable");
        Assert.Null(NameRules.AzureStorageAccount((string)account["accountName"]));
        var containers = mocks.OfType(ContainerType);
        Assert.Equal(3, containers.Count);
        Assert.All(containers, c => Assert.Equal("None", c.Inputs["publicAccess"]));
        Assert.All(containers, c => Assert.Null(NameRules.AzureContainer((string)c.Inputs["containerName"])));
    }

    [Theory]
    [InlineData("azure-blob", false, false)]
    [InlineData("azure-adls", true, false)]
    [InlineData("sftp", true, true)]
    public async Task Hierarchical_namespace_and_sftp_are_on_only_where_the_target_needs_them(string target, bool hns, bool sftp)
    {
        var mocks = ComponentRunner.NewMocks();

        await ComponentRunner.RunAsync(mocks, Zones.Factory(Zones.Spec(target)));

        var account = Single(mocks, AccountType).Inputs;
        Assert.Equal(hns, account["isHnsEnabled"]);
        Assert.Equal(sftp, account["isSftpEnabled"]);
        Assert.Equal(sftp, account["isLocalUserEnabled"]);
    }

    [Theory]
    [MemberData(nameof(Zones.Targets), MemberType = typeof(Zones))]
    public async Task Infrastructure_encryption_is_required_only_when_the_spec_asks(string target)
    {
        var plain = ComponentRunner.NewMocks();
        var doubled = ComponentRunner.NewMocks();

        await ComponentRunner.RunAsync(plain, Zones.Factory(Zones.Spec(target)));
        await ComponentRunner.RunAsync(doubled, Zones.Factory(Zones.Spec(target, null, ("infrastructureEncryption", "true"))));

        var encryption = Map(Single(plain, AccountType).Inputs["encryption"]);
        Assert.Equal(false, encryption["requireInfrastructureEncryption"]);
        Assert.Equal("Microsoft.Storage", encryption["keySource"]);
        var required = Map(Single(doubled, AccountType).Inputs["encryption"]);
        Assert.Equal(true, required["requireInfrastructureEncryption"]);
        Assert.Equal("Microsoft.Storage", required["keySource"]);
    }

    [Theory]
    [MemberData(nameof(Zones.Targets), MemberType = typeof(Zones))]
    public async Task The_lifecycle_policy_deletes_files_after_the_retention(string target)
    {
        var mocks = ComponentRunner.NewMocks();

        await ComponentRunner.RunAsync(mocks, Zones.Factory(Zones.Spec(target, null, ("retentionDays", "45"))));

        var account = Single(mocks, AccountType).Inputs;
        var policy = Single(mocks, PolicyType).Inputs;
        Assert.Equal("default", policy["managementPolicyName"]);
        Assert.Equal(account["accountName"], policy["accountName"]);
        Assert.Equal(account["resourceGroupName"], policy["resourceGroupName"]);
        var rule = Map(Assert.Single(List(Map(policy["policy"])["rules"])));
        Assert.Equal("deleteafterretention", rule["name"]);
        Assert.Matches("^[a-zA-Z0-9]+$", (string)rule["name"]);
        Assert.Equal(true, rule["enabled"]);
        Assert.Equal("Lifecycle", rule["type"]);
        var definition = Map(rule["definition"]);
        Assert.Equal(["blockBlob", "appendBlob"], List(Map(definition["filters"])["blobTypes"]));
        Assert.False(Map(definition["filters"]).ContainsKey("prefixMatch"), "the policy covers every container");
        var delete = Map(Map(Map(definition["actions"])["baseBlob"])["delete"]);
        Assert.Equal(45.0, delete["daysAfterModificationGreaterThan"]);
        Assert.Single(delete);
    }

    [Theory]
    [MemberData(nameof(Zones.Targets), MemberType = typeof(Zones))]
    public async Task Every_resource_that_takes_tags_carries_the_user_tags_and_the_reserved_ones(string target)
    {
        var mocks = ComponentRunner.NewMocks();

        await ComponentRunner.RunAsync(mocks, Zones.Factory(Zones.Spec(target, null, ("tags", """{"team": "data-platform"}"""))));

        var azure = mocks.Created.Where(r => r.Type!.StartsWith("azure-native:", StringComparison.Ordinal)).ToList();
        var taggable = azure.Where(r => TakesTags(r.Type!)).ToList();
        Assert.Equal([ResourceGroupType, AccountType], taggable.Select(r => r.Type).Distinct().Order(StringComparer.Ordinal));
        Assert.All(taggable, r => Assert.Equal(ExpectedTags, Map(r.Inputs["tags"])));
        Assert.All(azure.Where(r => !TakesTags(r.Type!)), r => Assert.False(r.Inputs.ContainsKey("tags")));
    }

    [Theory]
    [MemberData(nameof(Zones.Targets), MemberType = typeof(Zones))]
    public async Task Every_child_is_parented_to_the_component_which_registers_its_outputs(string target)
    {
        var mocks = ComponentRunner.NewMocks();
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

        var (zone, resources) = await ComponentRunner.RunAsync(mocks, Zones.Factory(Zones.Spec(target), options));

        var children = resources.OfType<CustomResource>().Select(r => r.GetResourceName()).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(children);
        Assert.Equal(children, underComponent.Where(name => name != "landing").Order(StringComparer.Ordinal));
        var urn = await OutputUtilities.GetValueAsync(zone.Urn);
        Assert.EndsWith($"{Zones.TypeToken(target)}::landing", urn, StringComparison.Ordinal);
        Assert.Contains(urn, mocks.RegisteredOutputs);
    }

    [Fact]
    public void A_spec_for_another_target_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => BlobLandingZoneArgs.FromSpec(Specs.Adls()));

        Assert.Contains("built for target azure-blob on azure, not azure-adls", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => SftpLandingZoneArgs.FromSpec(Specs.Parse("sftp", """["acme"]""", ("cloud", "aws"), ("region", "eu-west-1"))));
    }
}
