using DestinationKit.Model.Naming;
using Pulumi;
using Pulumi.Utilities;
using static DestinationKit.Azure.Tests.Graph;

namespace DestinationKit.Azure.Tests;

public class BlobLandingZoneTests
{
    private static async Task<(BlobLandingZone Zone, RecordingMocks Mocks)> Run(Model.Spec.DestinationSpec spec)
    {
        var mocks = ComponentRunner.NewMocks();
        var args = BlobLandingZoneArgs.FromSpec(spec);
        var (zone, _) = await ComponentRunner.RunAsync(mocks, () => new BlobLandingZone("landing", args));
        return (zone, mocks);
    }

    [Fact]
    public async Task One_tenant_gets_a_container_in_the_account_and_the_accounts_connection_string()
    {
        var spec = Specs.Blob();
        var names = new ResourceNames(spec);

        var (zone, mocks) = await Run(spec);

        Assert.Equal(
            new Dictionary<string, int>
            {
                [BlobLandingZone.TypeToken] = 1, [ResourceGroupType] = 1, [AccountType] = 1, [ContainerType] = 1, [PolicyType] = 1,
            },
            Counts(mocks));
        Assert.Equal(names.StorageAccount, Single(mocks, AccountType).Inputs["accountName"]);
        var container = Single(mocks, ContainerType).Inputs;
        Assert.Equal("acme", container["containerName"]);
        Assert.Equal(names.StorageAccount, container["accountName"]);
        Assert.Equal(names.ResourceGroup, await OutputUtilities.GetValueAsync(zone.ResourceGroupName));
        Assert.Equal([names.StorageAccount], await Task.WhenAll(zone.AccountNames.Select(OutputUtilities.GetValueAsync)));

        var acme = Assert.Single(zone.Tenants).Value;
        Assert.Equal("acme", await OutputUtilities.GetValueAsync(acme.Container));
        Assert.Equal(names.StorageAccount, await OutputUtilities.GetValueAsync(acme.AccountName));
        Assert.Equal($"https://{names.StorageAccount}.blob.core.windows.net/", await OutputUtilities.GetValueAsync(acme.BlobEndpoint));
        Assert.Equal(
            $"DefaultEndpointsProtocol=https;AccountName={names.StorageAccount};AccountKey={AzureBehaviour.AccountKey(names.StorageAccount, "key1")};EndpointSuffix=core.windows.net",
            await OutputUtilities.GetValueAsync(acme.ConnectionString));

        var call = Assert.Single(mocks.Calls);
        Assert.Equal(ListKeysToken, call.Token);
        Assert.Equal(names.StorageAccount, call.Args["accountName"]);
        Assert.Equal(names.ResourceGroup, call.Args["resourceGroupName"]);
    }

    [Fact]
    public async Task Three_tenants_share_one_account_and_so_one_connection_string()
    {
        var spec = Specs.Blob(Specs.ThreeTenants);
        var names = new ResourceNames(spec);

        var (zone, mocks) = await Run(spec);

        Assert.Equal(3, mocks.OfType(ContainerType).Count);
        Assert.Single(mocks.OfType(AccountType));
        Assert.Single(mocks.OfType(PolicyType));
        Assert.Single(mocks.Calls);
        Assert.Equal(["acme", "globex-corp", "initech"], zone.Tenants.Keys);
        Assert.Equal(["acme", "globex-corp", "initech"], mocks.OfType(ContainerType).Select(c => (string)c.Inputs["containerName"]).Order(StringComparer.Ordinal));
        Assert.All(mocks.OfType(ContainerType), c => Assert.Equal(names.StorageAccount, c.Inputs["accountName"]));
        // The documented trade-off: a shared account's key opens every tenant's container.
        var connectionStrings = await Task.WhenAll(zone.Tenants.Values.Select(t => OutputUtilities.GetValueAsync(t.ConnectionString)));
        Assert.Single(connectionStrings.Distinct());
    }

    [Fact]
    public async Task Account_per_tenant_gives_each_tenant_its_own_account_key_and_lifecycle_policy()
    {
        var spec = Specs.Blob(Specs.ThreeTenants, ("accountPerTenant", "true"));
        var names = new ResourceNames(spec);

        var (zone, mocks) = await Run(spec);

        string[] tenants = ["acme", "globex-corp", "initech"];
        var accounts = tenants.Select(names.TenantStorageAccount).ToList();
        Assert.Equal(accounts.Order(StringComparer.Ordinal), mocks.OfType(AccountType).Select(a => (string)a.Inputs["accountName"]).Order(StringComparer.Ordinal));
        Assert.All(accounts, a => Assert.Null(NameRules.AzureStorageAccount(a)));
        Assert.DoesNotContain(names.StorageAccount, accounts);
        Assert.Equal(accounts.Order(StringComparer.Ordinal), mocks.OfType(PolicyType).Select(p => (string)p.Inputs["accountName"]).Order(StringComparer.Ordinal));
        Assert.Equal(accounts.Order(StringComparer.Ordinal), mocks.Calls.Select(c => (string)c.Args["accountName"]).Order(StringComparer.Ordinal));
        foreach (var (tenant, account) in tenants.Zip(accounts))
        {
            var access = zone.Tenants[tenant];
            Assert.Equal(account, Named(mocks, ContainerType, $"landing-{tenant}-container").Inputs["accountName"]);
            Assert.Equal(account, await OutputUtilities.GetValueAsync(access.AccountName));
            Assert.Contains($"AccountName={account};AccountKey={AzureBehaviour.AccountKey(account, "key1")};",
                await OutputUtilities.GetValueAsync(access.ConnectionString), StringComparison.Ordinal);
        }
        Assert.Single(mocks.OfType(ResourceGroupType));
    }

    [Fact]
    public async Task Connection_strings_are_pulumi_secrets_and_names_are_not()
    {
        var (zone, _) = await Run(Specs.Blob(Specs.ThreeTenants, ("accountPerTenant", "true")));

        foreach (var tenant in zone.Tenants.Values)
        {
            Assert.True(await Output.IsSecretAsync(tenant.ConnectionString));
            Assert.False(await Output.IsSecretAsync(tenant.AccountName));
            Assert.False(await Output.IsSecretAsync(tenant.Container));
        }
    }

    [Fact]
    public async Task No_role_assignment_or_sftp_user_is_created()
    {
        var (_, mocks) = await Run(Specs.Blob(Specs.ThreeTenants));

        Assert.Empty(mocks.OfType(RoleAssignmentType));
        Assert.Empty(mocks.OfType(LocalUserType));
        Assert.DoesNotContain(mocks.Calls, c => c.Token == ClientConfigToken);
    }
}
