using DestinationKit.Model.Naming;
using DestinationKit.Model.Permissions;
using Pulumi;
using Pulumi.Utilities;
using static DestinationKit.Azure.Tests.Graph;

namespace DestinationKit.Azure.Tests;

public class AdlsLandingZoneTests
{
    private const string StorageBlobDataContributorId =
        $"/subscriptions/{AzureBehaviour.SubscriptionId}/providers/Microsoft.Authorization/roleDefinitions/ba92f5b4-2d11-453d-a403-e96b0029c9fe";

    private static async Task<(AdlsLandingZone Zone, RecordingMocks Mocks)> Run(Model.Spec.DestinationSpec spec)
    {
        var mocks = ComponentRunner.NewMocks();
        var args = AdlsLandingZoneArgs.FromSpec(spec);
        var (zone, _) = await ComponentRunner.RunAsync(mocks, () => new AdlsLandingZone("landing", args));
        return (zone, mocks);
    }

    [Fact]
    public async Task One_tenant_gets_a_filesystem_and_its_service_principal_may_use_it()
    {
        var spec = Specs.Adls();
        var names = new ResourceNames(spec);

        var (zone, mocks) = await Run(spec);

        Assert.Equal(
            new Dictionary<string, int>
            {
                [AdlsLandingZone.TypeToken] = 1, [ResourceGroupType] = 1, [AccountType] = 1, [ContainerType] = 1, [PolicyType] = 1,
                [RoleAssignmentType] = 1,
            },
            Counts(mocks));
        Assert.Equal("acme", Single(mocks, ContainerType).Inputs["containerName"]);
        Assert.Equal(names.StorageAccount, await OutputUtilities.GetValueAsync(zone.AccountName));
        Assert.Equal(AzureBehaviour.DirectoryTenantId, await OutputUtilities.GetValueAsync(zone.DirectoryTenantId));
        // No account key is handed out: AEP signs in as the tenant's service principal.
        Assert.Equal([ClientConfigToken], mocks.Calls.Select(c => c.Token));

        var acme = Assert.Single(zone.Tenants).Value;
        Assert.Equal("acme", await OutputUtilities.GetValueAsync(acme.Filesystem));
        Assert.Equal($"abfss://acme@{names.StorageAccount}.dfs.core.windows.net", await OutputUtilities.GetValueAsync(acme.Url));
        Assert.Equal(Specs.ClientId(1), acme.ServicePrincipalClientId);
    }

    [Fact]
    public async Task Each_service_principal_is_storage_blob_data_contributor_on_its_own_filesystem_only()
    {
        var spec = Specs.Adls(Specs.ThreeAdlsTenants);
        var names = new ResourceNames(spec);

        var (zone, mocks) = await Run(spec);

        Assert.Equal(3, mocks.OfType(RoleAssignmentType).Count);
        Assert.Equal(3, mocks.OfType(ContainerType).Count);
        Assert.Single(mocks.OfType(AccountType));
        var accountId = AzureBehaviour.StorageAccountId(names.ResourceGroup, names.StorageAccount);
        string[] tenants = ["acme", "globex-corp", "initech"];
        foreach (var (tenant, index) in tenants.Select((t, i) => (t, i + 1)))
        {
            var assignment = Named(mocks, RoleAssignmentType, $"landing-{tenant}-access").Inputs;
            Assert.Equal(AzureRoles.ContainerScope(accountId, tenant), assignment["scope"]);
            Assert.Equal($"{accountId}/blobServices/default/containers/{tenant}", assignment["scope"]);
            Assert.Equal(StorageBlobDataContributorId, assignment["roleDefinitionId"]);
            Assert.Equal(Specs.ObjectId(index).ToString(), assignment["principalId"]);
            Assert.Equal("ServicePrincipal", assignment["principalType"]);
            Assert.False(assignment.ContainsKey("condition"));
            Assert.StartsWith($"{assignment["scope"]}/providers/Microsoft.Authorization/roleAssignments/",
                await OutputUtilities.GetValueAsync(zone.Tenants[tenant].RoleAssignmentId), StringComparison.Ordinal);
            Assert.Equal(Specs.ClientId(index), zone.Tenants[tenant].ServicePrincipalClientId);
        }
        Assert.Single(mocks.Calls, c => c.Token == ClientConfigToken);
    }

    [Fact]
    public async Task Urls_and_ids_are_not_secrets_there_is_no_secret_to_hand_out()
    {
        var (zone, _) = await Run(Specs.Adls(Specs.ThreeAdlsTenants));

        foreach (var tenant in zone.Tenants.Values)
        {
            Assert.False(await Output.IsSecretAsync(tenant.Url));
        }
        Assert.False(await Output.IsSecretAsync(zone.DirectoryTenantId));
    }
}
