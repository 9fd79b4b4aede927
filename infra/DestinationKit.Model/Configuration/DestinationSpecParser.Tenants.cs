using System.Collections.Immutable;
using System.Text.Json;
using System.Text.RegularExpressions;
using DestinationKit.Model.Naming;
using DestinationKit.Model.Spec;

namespace DestinationKit.Model.Configuration;

public static partial class DestinationSpecParser
{
    public const int MaxTenants = 100;

    private static ImmutableArray<Tenant>? ReadTenants(ConfigReader reader, DestinationTarget? target, CloudProvider? cloud)
    {
        var key = ConfigKeys.Tenants;
        var list = reader.Json(key, JsonValueKind.Array);
        if (list is null)
        {
            if (!reader.IsSet(key))
                reader.Error(key.Name, "is required; set a JSON list of tenant ids, e.g. `pulumi config set destination:tenants '[\"acme\"]'`");
            ReadDlzSasUris(reader, target, []);
            return null;
        }

        var tenants = new List<Tenant>();
        var index = 0;
        foreach (var item in list.Value.EnumerateArray())
        {
            var tenant = ReadTenant(reader, $"{key.Name}[{index}]", item, target);
            if (tenant is not null) tenants.Add(tenant);
            index++;
        }

        var count = list.Value.GetArrayLength();
        if (count is 0 or > MaxTenants)
            reader.Error(key.Name, $"has {count} tenants; expected 1 to {MaxTenants}");

        foreach (var duplicate in tenants.GroupBy(t => t.Id).Where(g => g.Count() > 1))
            reader.Error(key.Name, $"lists tenant \"{duplicate.Key}\" {duplicate.Count()} times; tenant ids must be unique");

        if (target == DestinationTarget.Sftp && cloud == CloudProvider.Azure)
        {
            // Azure local user names drop the hyphens, so "a-b1" and "ab-1" would become the same user, and "a-b" too short a one.
            foreach (var tenant in tenants.Where(t => NameRules.AzureLocalUser(ResourceNames.AzureLocalUser(t.Id)) is not null))
                reader.Error(key.Name, $"tenant \"{tenant.Id}\" would get the SFTP user name \"{ResourceNames.AzureLocalUser(tenant.Id)}\", "
                    + "which is too short (Azure local users allow no hyphens and need 3 characters); rename it");
            foreach (var clash in tenants.GroupBy(t => ResourceNames.AzureLocalUser(t.Id)).Where(g => g.Select(t => t.Id).Distinct().Count() > 1))
                reader.Error(key.Name, $"tenants {string.Join(" and ", clash.Select(t => $"\"{t.Id}\"").Distinct())} would share the SFTP user name "
                    + $"\"{clash.Key}\" (Azure local users allow no hyphens); rename one");
        }

        var withSas = ReadDlzSasUris(reader, target, tenants.Select(t => t.Id).ToArray());
        return [.. tenants.Select(t => withSas.TryGetValue(t.Id, out var sas) ? t with { DlzSasUri = sas } : t)];
    }

    private static Tenant? ReadTenant(ConfigReader reader, string path, JsonElement item, DestinationTarget? target)
    {
        string? id;
        string? name = null;
        ServicePrincipal? principal = null;
        if (item.ValueKind == JsonValueKind.String)
        {
            id = item.GetString();
        }
        else if (item.ValueKind == JsonValueKind.Object)
        {
            var fields = new JsonFields(reader, path, item, ConfigKeys.Tenants.FieldNames);
            id = fields.String("id", required: true);
            name = fields.String("name", maxLength: 100);
            principal = ReadServicePrincipal(fields, target);
        }
        else
        {
            reader.Error(path, $"got {JsonFields.Shown(item)}; expected a tenant id string or an object with \"id\"");
            return null;
        }

        if (target == DestinationTarget.AzureAdls && principal is null && item.ValueKind == JsonValueKind.String)
            reader.Error(path, "needs a service principal for azure-adls; write the tenant as {\"id\": \"...\", \"servicePrincipalObjectId\": \"<guid>\", \"servicePrincipalClientId\": \"<guid>\"}");

        if (id is null) return null;
        if (!TenantIdPattern().IsMatch(id) || id.Contains("--", StringComparison.Ordinal))
        {
            reader.Error(item.ValueKind == JsonValueKind.Object ? $"{path}.id" : path,
                $"got {ConfigReader.Quote(id)}; a tenant id is 3–32 characters: lowercase letters, digits and single hyphens, "
                + "starting and ending with a letter or digit");
            return null;
        }
        return new Tenant(id, name) { ServicePrincipal = principal };
    }

    private static ServicePrincipal? ReadServicePrincipal(JsonFields fields, DestinationTarget? target)
    {
        const string objectIdField = "servicePrincipalObjectId", clientIdField = "servicePrincipalClientId";
        if (target != DestinationTarget.AzureAdls)
        {
            foreach (var field in new[] { objectIdField, clientIdField }.Where(fields.Has))
                fields.Error(field, $"is used only by target azure-adls; remove it");
            return null;
        }
        var objectId = ReadGuid(fields, objectIdField);
        var clientId = ReadGuid(fields, clientIdField);
        return objectId is null || clientId is null ? null : new ServicePrincipal(objectId.Value, clientId.Value);
    }

    private static Guid? ReadGuid(JsonFields fields, string field)
    {
        var value = fields.String(field);
        if (value is null)
        {
            if (!fields.Has(field)) fields.Error(field, "is required for azure-adls (a GUID, from `az ad sp show`)");
            return null;
        }
        if (Guid.TryParseExact(value, "D", out var guid)) return guid;
        fields.Error(field, $"got {ConfigReader.Quote(value)}; expected a GUID such as 00000000-0000-0000-0000-000000000000");
        return null;
    }

    private static Dictionary<string, SecretValue> ReadDlzSasUris(ConfigReader reader, DestinationTarget? target, IReadOnlyList<string> tenantIds)
    {
        var key = ConfigKeys.DlzSasUris;
        var result = new Dictionary<string, SecretValue>(StringComparer.Ordinal);
        if (target is not null && target != DestinationTarget.Dlz)
        {
            reader.RejectIfSet(key, $"by target {TargetName(target.Value)} (only dlz)");
            return result;
        }
        reader.RequireSecret(key);
        if (reader.Json(key, JsonValueKind.Object) is not { } map) return result;
        foreach (var entry in map.EnumerateObject())
        {
            var path = $"{key.Name}.{entry.Name}";
            if (!tenantIds.Contains(entry.Name, StringComparer.Ordinal))
            {
                reader.Error(path, $"names a tenant that is not in destination:tenants{Suggestions.DidYouMean(entry.Name, tenantIds)}");
                continue;
            }
            // The value is a credential: messages describe what is wrong with it but never repeat it.
            if (entry.Value.ValueKind != JsonValueKind.String)
            {
                reader.Error(path, $"got a JSON {ConfigReader.Describe(entry.Value.ValueKind)}; expected the SAS URI as a string");
                continue;
            }
            var problem = SasUriProblem(entry.Value.GetString()!);
            if (problem is null) result[entry.Name] = new SecretValue(entry.Value.GetString()!);
            else reader.Error(path, $"is not a usable SAS URI: {problem} (value not shown: it is a secret)");
        }
        return result;
    }

    private static string? SasUriProblem(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri)) return "it is not an absolute URI";
        if (uri.Scheme != Uri.UriSchemeHttps) return "it must use https";
        if (!uri.Host.EndsWith(".blob.core.windows.net", StringComparison.OrdinalIgnoreCase)) return "its host must be <account>.blob.core.windows.net";
        if (uri.AbsolutePath.Trim('/').Length == 0) return "it must name the container in its path";
        var query = uri.Query.TrimStart('?').Split('&').Select(p => p.Split('=')[0]).ToHashSet(StringComparer.Ordinal);
        if (!query.Contains("sig")) return "it has no signature (sig)";
        if (!query.Contains("se")) return "it has no expiry (se)";
        return null;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,30}[a-z0-9]$")]
    private static partial Regex TenantIdPattern();
}
