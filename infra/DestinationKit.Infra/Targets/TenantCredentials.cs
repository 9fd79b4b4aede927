using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using DestinationKit.Model.Configuration;
using Pulumi;

namespace DestinationKit.Infra.Targets;

/// <summary>The stack's <c>credentials</c> output: per tenant id, what its AEP customer enters in the destination's
/// connection form, as one secret JSON object.</summary>
internal static class TenantCredentials
{
    /// <summary>The tenants' entries as one secret JSON object, ordered by tenant id.</summary>
    public static Output<string> Json(IEnumerable<Output<KeyValuePair<string, JsonObject>>> tenants) =>
        Output.All(tenants).Apply(entries =>
        {
            var root = new JsonObject();
            foreach (var (tenant, entry) in entries.OrderBy(e => e.Key, StringComparer.Ordinal)) root[tenant] = entry;
            return Output.CreateSecret(root.ToJsonString(Readable));
        });

    /// <summary>Keys stay readable in <c>pulumi stack output</c>: base64's <c>+</c> and <c>/</c> are not escaped.</summary>
    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The customer fields of the AEP connection form for a tenant (the simulator reads them too).</summary>
    public static JsonObject CustomerData(string tenantId) => new() { [DestinationSpecParser.TenantIdField] = tenantId };
}
