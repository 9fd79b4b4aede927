using System.Collections.Immutable;
using System.Text.Json;
using System.Text.RegularExpressions;
using DestinationKit.Model.Spec;

namespace DestinationKit.Model.Configuration;

public static partial class DestinationSpecParser
{
    /// <summary>The customer data field batch destinations always have: the tenant's folder or container.</summary>
    public const string TenantIdField = "tenantId";

    public static readonly IReadOnlyList<string> Categories =
    [
        "adobeSolutions", "advertising", "analytics", "cdp", "cloudStorage", "crm", "customerSuccess", "database", "dmp",
        "ecommerce", "email", "emailMarketing", "enrichment", "livechat", "marketingAutomation", "mobile",
        "personalization", "protocols", "social", "streaming", "subscriptions", "surveys", "tagManagers", "voc",
        "warehouses", "payments",
    ];

    private static readonly IReadOnlyDictionary<string, AudienceMapping> AudienceMappings = new Dictionary<string, AudienceMapping>
    {
        ["api"] = AudienceMapping.Api,
        ["aep-id"] = AudienceMapping.AepId,
        ["user-input"] = AudienceMapping.UserInput,
    };

    private static AepSettings? ReadAep(ConfigReader reader, DestinationMode? mode, DestinationTarget? target)
    {
        var name = reader.String(ConfigKeys.DestinationName, required: true, "; the title customers see in AEP's catalog, 3–64 characters");
        if (name is not null && (name.Length is < 3 or > 64 || name.Any(char.IsControl) || name.Trim() != name))
        {
            reader.Error(ConfigKeys.DestinationName.Name, $"got {ConfigReader.Quote(name)}; expected 3–64 printable characters without leading or trailing spaces");
            name = null;
        }

        var description = reader.Raw(ConfigKeys.Description);
        if (description is not null && (description.Length > 1000 || description.Trim().Length == 0))
        {
            reader.Error(ConfigKeys.Description.Name, $"is {description.Length} characters long; expected 1–1000 characters of text");
            description = null;
        }

        var category = reader.Raw(ConfigKeys.Category) ?? (mode == DestinationMode.Batch ? "cloudStorage" : "streaming");
        if (!Categories.Contains(category, StringComparer.Ordinal))
            reader.Error(ConfigKeys.Category.Name, $"got {ConfigReader.Quote(category)}; allowed: {string.Join(", ", Categories)}{Suggestions.DidYouMean(category, Categories)}");

        var link = reader.Raw(ConfigKeys.DocumentationLink);
        if (link is not null && !(Uri.TryCreate(link, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps))
            reader.Error(ConfigKeys.DocumentationLink.Name, $"got {ConfigReader.Quote(link)}; expected an absolute https:// URL");

        var namespaces = ReadIdentityNamespaces(reader, mode);
        var customerFields = ReadCustomerDataFields(reader, mode);
        var profileFields = ReadProfileFields(reader);
        var mapping = ReadAudienceMapping(reader, mode);
        var backfill = reader.Bool(ConfigKeys.BackfillHistoricalProfileData, true);

        if (name is null || mode is null) return null;
        description ??= mode == DestinationMode.Streaming
            ? $"Send AEP audience membership, identities and profile attributes to {name} in real time."
            : $"Export AEP audiences as files into landing storage from which {name} ingests them.";
        return new AepSettings(name, description, category, link, namespaces, customerFields, profileFields, mapping, backfill);
    }

    private static ImmutableArray<IdentityNamespace> ReadIdentityNamespaces(ConfigReader reader, DestinationMode? mode)
    {
        var key = ConfigKeys.IdentityNamespaces;
        var json = reader.Json(key, JsonValueKind.Object);
        var result = ImmutableArray.CreateBuilder<IdentityNamespace>();
        if (json is not null)
        {
            foreach (var entry in json.Value.EnumerateObject())
            {
                var path = $"{key.Name}.{entry.Name}";
                if (!IdentifierPattern().IsMatch(entry.Name))
                {
                    reader.Error(path, $"got namespace name {ConfigReader.Quote(entry.Name)}; expected a letter, then letters, digits or _, up to 64 characters");
                    continue;
                }
                if (entry.Value.ValueKind != JsonValueKind.Object)
                {
                    reader.Error(path, $"got {JsonFields.Shown(entry.Value)}; expected an object of options (or {{}})");
                    continue;
                }
                var fields = new JsonFields(reader, path, entry.Value, key.FieldNames);
                var globals = ImmutableSortedDictionary.CreateBuilder<string, string?>(StringComparer.Ordinal);
                if (fields.Element("acceptedGlobalNamespaces", JsonValueKind.Object) is { } accepted)
                {
                    foreach (var global in accepted.EnumerateObject())
                    {
                        var globalFields = new JsonFields(reader, $"{path}.acceptedGlobalNamespaces.{global.Name}",
                            global.Value.ValueKind == JsonValueKind.Object ? global.Value : EmptyObject, ["requiredTransformation"]);
                        if (global.Value.ValueKind != JsonValueKind.Object)
                            reader.Error(globalFields.Path, "expected an object, {} or {\"requiredTransformation\": \"...\"}");
                        globals[global.Name] = globalFields.String("requiredTransformation", maxLength: 200);
                    }
                }
                result.Add(new IdentityNamespace(entry.Name, fields.Bool("acceptsAttributes", true),
                    fields.Bool("acceptsCustomNamespaces", true), fields.String("transformation", maxLength: 200), globals.ToImmutable()));
            }
        }
        if (result.Count == 0 && mode == DestinationMode.Streaming)
            reader.Error(key.Name, "needs at least one identity namespace for a streaming destination (AEP's mapping step needs a target identity), "
                + "e.g. `pulumi config set destination:identityNamespaces '{\"email_lc_sha256\": {}}'`");
        if (result.Count > 20) reader.Error(key.Name, $"has {result.Count} namespaces; at most 20 allowed");
        return result.ToImmutable();
    }

    private static readonly IReadOnlyList<string> CustomerFieldTypes = ["string", "integer", "boolean"];

    private static ImmutableArray<CustomerDataField> ReadCustomerDataFields(ConfigReader reader, DestinationMode? mode)
    {
        var key = ConfigKeys.CustomerDataFields;
        var result = ImmutableArray.CreateBuilder<CustomerDataField>();
        if (reader.Json(key, JsonValueKind.Array) is { } list)
        {
            var index = 0;
            foreach (var item in list.EnumerateArray())
            {
                var path = $"{key.Name}[{index++}]";
                if (item.ValueKind != JsonValueKind.Object)
                {
                    reader.Error(path, $"got {JsonFields.Shown(item)}; expected an object with at least \"name\"");
                    continue;
                }
                var field = ReadCustomerDataField(reader, path, item, mode);
                if (field is null) continue;
                if (result.Any(f => f.Name == field.Name))
                    reader.Error($"{path}.name", $"\"{field.Name}\" is used twice; field names must be unique");
                else result.Add(field);
            }
            if (list.GetArrayLength() > 20) reader.Error(key.Name, $"has {list.GetArrayLength()} fields; at most 20 allowed");
        }
        return result.ToImmutable();
    }

    private static CustomerDataField? ReadCustomerDataField(ConfigReader reader, string path, JsonElement item, DestinationMode? mode)
    {
        var fields = new JsonFields(reader, path, item, ConfigKeys.CustomerDataFields.FieldNames);
        var name = fields.String("name", required: true, maxLength: 64);
        var title = fields.String("title", maxLength: 100);
        var type = fields.Choice("type", CustomerFieldTypes) ?? "string";
        var description = fields.String("description", maxLength: 500);
        var required = fields.Bool("isRequired", false);
        var pattern = fields.String("pattern", maxLength: 500);
        var values = fields.Strings("enum");
        var defaultValue = fields.String("default", maxLength: 500);

        if (name is not null && !IdentifierPattern().IsMatch(name))
        {
            fields.Error("name", $"got {ConfigReader.Quote(name)}; expected a letter, then letters, digits or _, up to 64 characters");
            name = null;
        }
        if (name == TenantIdField && mode == DestinationMode.Batch)
        {
            fields.Error("name", $"\"{TenantIdField}\" is reserved: batch destinations add it themselves (the tenant's folder or container)");
            name = null;
        }
        if (type != "string" && (pattern is not null || values is not null))
            fields.Error(pattern is not null ? "pattern" : "enum", $"applies only to string fields, and this field's type is {type}");
        Regex? regex = null;
        if (pattern is not null)
        {
            try { regex = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1)); }
            catch (ArgumentException e) { fields.Error("pattern", $"is not a valid regular expression: {e.Message}"); }
        }
        if (values is { Length: 0 or > 50 }) fields.Error("enum", $"has {values.Value.Length} values; expected 1 to 50");
        if (defaultValue is not null)
        {
            if (values is { Length: > 0 } && !values.Value.Contains(defaultValue))
                fields.Error("default", $"got {ConfigReader.Quote(defaultValue)}, which is not one of enum: {string.Join(", ", values.Value)}");
            if (regex is not null && !regex.IsMatch(defaultValue))
                fields.Error("default", $"got {ConfigReader.Quote(defaultValue)}, which does not match pattern {pattern}");
        }
        return name is null ? null : new CustomerDataField(name, title ?? name, type, description, required, pattern, values.OrEmpty(), defaultValue);
    }

    private static readonly IReadOnlyList<string> ProfileFieldTypes = ["string", "integer", "number", "boolean"];

    private static ImmutableArray<ProfileField> ReadProfileFields(ConfigReader reader)
    {
        var key = ConfigKeys.ProfileFields;
        var result = ImmutableArray.CreateBuilder<ProfileField>();
        if (reader.Json(key, JsonValueKind.Array) is not { } list) return result.ToImmutable();
        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            var path = $"{key.Name}[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                reader.Error(path, $"got {JsonFields.Shown(item)}; expected an object with at least \"name\"");
                continue;
            }
            var fields = new JsonFields(reader, path, item, key.FieldNames);
            var name = fields.String("name", required: true, maxLength: 128);
            var title = fields.String("title", maxLength: 100);
            var type = fields.Choice("type", ProfileFieldTypes) ?? "string";
            var description = fields.String("description", maxLength: 500);
            var required = fields.Bool("isRequired", false);
            if (name is null) continue;
            if (!ProfileFieldPattern().IsMatch(name))
                fields.Error("name", $"got {ConfigReader.Quote(name)}; expected a letter, then letters, digits, _ or ., up to 128 characters");
            else if (result.Any(f => f.Name == name))
                fields.Error("name", $"\"{name}\" is used twice; field names must be unique");
            else
                result.Add(new ProfileField(name, title ?? name, type, description, required));
        }
        if (list.GetArrayLength() > 50) reader.Error(key.Name, $"has {list.GetArrayLength()} fields; at most 50 allowed (Adobe's guardrail)");
        return result.ToImmutable();
    }

    private static AudienceMapping ReadAudienceMapping(ConfigReader reader, DestinationMode? mode)
    {
        var mapping = reader.Choice(ConfigKeys.AudienceMapping, AudienceMappings);
        if (mapping == AudienceMapping.Api && mode == DestinationMode.Batch)
        {
            reader.Error(ConfigKeys.AudienceMapping.Name, "got \"api\", but batch destinations deploy no audience API; use aep-id or user-input");
            return AudienceMapping.AepId;
        }
        return mapping ?? (mode == DestinationMode.Batch ? AudienceMapping.AepId : AudienceMapping.Api);
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,63}$")]
    private static partial Regex IdentifierPattern();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_.]{0,127}$")]
    private static partial Regex ProfileFieldPattern();
}
