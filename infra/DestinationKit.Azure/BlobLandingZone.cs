using System.Collections.Immutable;
using Pulumi;
using Pulumi.AzureNative.Resources;
using Pulumi.AzureNative.Storage;

namespace DestinationKit.Azure;

/// <summary>The <c>azure-blob</c> batch target: a resource group, hardened StorageV2 accounts (one shared, or one per
/// tenant) and a private container per tenant that AEP exports into, and per tenant the connection string AEP's
/// Azure Blob destination takes. docs/azure.md explains each setting and the isolation trade-off.</summary>
public sealed class BlobLandingZone : ComponentResource
{
    public const string TypeToken = "destinationkit:azure:BlobLandingZone";

    /// <summary>The account key the connection strings carry; key2 stays free for rotation.</summary>
    public const string ConnectionKeyName = "key1";

    public BlobLandingZone(string name, BlobLandingZoneArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        ArgumentNullException.ThrowIfNull(args);
        var child = new CustomResourceOptions { Parent = this };

        var group = LandingStorage.ResourceGroup(name, args.Settings, child);
        ResourceGroupName = group.Name;

        var accounts = args.Tenants.Select(t => t.AccountName).Distinct().ToImmutableSortedDictionary(
            accountName => accountName,
            accountName =>
            {
                var account = LandingStorage.Account(name, accountName, group, args.Settings, AccountFeatures.Blob, child);
                return (Account: account, ConnectionString: ConnectionString(account, group));
            },
            StringComparer.Ordinal);
        AccountNames = [.. accounts.Values.Select(a => a.Account.Name)];

        Tenants = args.Tenants.ToImmutableSortedDictionary(t => t.Id, t =>
        {
            var (account, connectionString) = accounts[t.AccountName];
            var container = LandingStorage.Container(name, t.Container, account, group, child);
            return new BlobTenantAccess(t.Id, account.Name, container.Name, connectionString);
        }, StringComparer.Ordinal);

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["resourceGroupName"] = ResourceGroupName,
            ["storageAccountNames"] = Output.All(AccountNames),
            ["tenants"] = Output.All(Tenants.Values.Select(t => Output.Tuple(t.AccountName, t.Container).Apply(values =>
                KeyValuePair.Create(t.TenantId, ImmutableDictionary<string, string>.Empty
                    .Add("storageAccount", values.Item1)
                    .Add("container", values.Item2)))))
                .Apply(pairs => pairs.ToImmutableDictionary()),
            ["connectionStrings"] = Output.All(Tenants.Values.Select(t => t.ConnectionString.Apply(s => KeyValuePair.Create(t.TenantId, s))))
                .Apply(pairs => Output.CreateSecret(pairs.ToImmutableDictionary())),
        });
    }

    public Output<string> ResourceGroupName { get; }

    /// <summary>The storage accounts, ordered by name: one, or one per tenant.</summary>
    public ImmutableArray<Output<string>> AccountNames { get; }

    /// <summary>Per tenant id: its account, container and connection string.</summary>
    public ImmutableSortedDictionary<string, BlobTenantAccess> Tenants { get; }

    /// <summary>The account's connection string with <see cref="ConnectionKeyName"/>, read from the account's keys at
    /// every run, so a rotated key reaches the output at the next <c>pulumi up</c>.</summary>
    private Output<string> ConnectionString(StorageAccount account, ResourceGroup group)
    {
        var keys = ListStorageAccountKeys.Invoke(
            new ListStorageAccountKeysInvokeArgs { AccountName = account.Name, ResourceGroupName = group.Name },
            // Waits for the account, and stays unknown in a preview that creates it.
            new InvokeOutputOptions { Parent = this, DependsOn = { account } });
        return Output.Tuple(account.Name, keys).Apply(values =>
        {
            var key = values.Item2.Keys.SingleOrDefault(k => k.KeyName == ConnectionKeyName)
                ?? throw new InvalidOperationException($"storage account {values.Item1} has no key named {ConnectionKeyName}");
            return Output.CreateSecret(StorageEndpoints.ConnectionString(values.Item1, key.Value));
        });
    }
}

/// <summary>What a tenant's AEP destination needs: the account and container it exports into, and the connection
/// string (secret) with the account key, which opens the whole account.</summary>
public sealed record BlobTenantAccess(string TenantId, Output<string> AccountName, Output<string> Container, Output<string> ConnectionString)
{
    /// <summary>The account's Blob endpoint, AEP's <c>path</c> for the Azure Blob destination.</summary>
    public Output<string> BlobEndpoint => AccountName.Apply(StorageEndpoints.BlobEndpoint);
}
