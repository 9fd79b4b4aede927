using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using DestinationKit.Azure;
using DestinationKit.Model.Aep;
using DestinationKit.Model.Configuration;
using DestinationKit.Model.Naming;
using DestinationKit.Model.Spec;
using Pulumi;

namespace DestinationKit.Infra.Targets;

/// <summary>What the Azure batch targets share: the AEP configuration for the accounts that were deployed.</summary>
internal static class AzureTargets
{
    /// <summary>The Destination SDK objects for the deployed account. The builder derives the account name from the
    /// spec, so a deployed account of another name would mean AEP is told the wrong account: that stops the run.
    /// With an account per tenant, AEP takes the account from the customer and there is nothing to compare.</summary>
    public static string AepConfiguration(DestinationSpec spec, IReadOnlyCollection<string> deployedAccounts)
    {
        var expected = new ResourceNames(spec).StorageAccount;
        var wrong = deployedAccounts.FirstOrDefault(account => account != expected);
        if (wrong is not null)
            throw new InvalidOperationException($"the storage account was deployed as {wrong}, but the AEP configuration names {expected}");
        return AepConfigurationBuilder.Build(spec, DeploymentFacts.None).ToJson();
    }

    /// <summary>The tenants' entries as one secret JSON object, ordered by tenant id.</summary>
    public static Output<string> Credentials(IEnumerable<Output<KeyValuePair<string, JsonObject>>> tenants) =>
        Output.All(tenants).Apply(entries =>
        {
            var root = new JsonObject();
            foreach (var (tenant, entry) in entries.OrderBy(e => e.Key, StringComparer.Ordinal)) root[tenant] = entry;
            return Output.CreateSecret(root.ToJsonString(Readable));
        });

    /// <summary>Keys stay readable in <c>pulumi stack output</c>: base64's <c>+</c> is not escaped (the JSON is never embedded in HTML).</summary>
    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>AEP's customer field for the tenant's own account with <c>accountPerTenant</c> (the model's destination configuration names it).</summary>
    public const string StorageAccountField = "storageAccountName";

    /// <summary>The customer fields of the AEP connection form for a tenant (the simulator reads them too).</summary>
    public static JsonObject CustomerData(string tenantId) => new() { [DestinationSpecParser.TenantIdField] = tenantId };
}
