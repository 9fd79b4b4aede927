using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;

namespace DestinationKit.Model.Configuration;

/// <summary>Reads the fields of one JSON object inside a config value, reporting errors under the field's
/// path (<c>destination:app.burstLimit</c>, <c>destination:tenants[2].id</c>) and unknown fields with a
/// suggestion.</summary>
internal sealed class JsonFields
{
    private readonly ConfigReader _reader;
    private readonly JsonElement _object;

    public JsonFields(ConfigReader reader, string path, JsonElement obj, IReadOnlyList<string> allowedFields)
    {
        _reader = reader;
        Path = path;
        _object = obj;
        foreach (var property in obj.EnumerateObject())
        {
            if (!allowedFields.Contains(property.Name, StringComparer.Ordinal))
            {
                reader.Error($"{path}.{property.Name}", $"is not a known field{Suggestions.DidYouMean(property.Name, allowedFields)}; "
                    + $"allowed fields: {string.Join(", ", allowedFields)}");
            }
        }
    }

    public string Path { get; }

    public string FieldPath(string field) => $"{Path}.{field}";

    public void Error(string field, string message) => _reader.Error(FieldPath(field), message);

    public bool Has(string field) => _object.TryGetProperty(field, out var v) && v.ValueKind != JsonValueKind.Null;

    public JsonElement? Element(string field, JsonValueKind expected)
    {
        if (!_object.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind == expected) return value;
        Error(field, $"got {Shown(value)}; expected a JSON {ConfigReader.Describe(expected)}");
        return null;
    }

    /// <summary>A received JSON value for a message: its JSON text, shortened, and its kind.</summary>
    public static string Shown(JsonElement value)
    {
        var raw = value.GetRawText();
        return $"{(raw.Length <= 80 ? raw : raw[..77] + "...")} (a JSON {ConfigReader.Describe(value.ValueKind)})";
    }

    public string? String(string field, bool required = false, int maxLength = 1000, string? hint = null)
    {
        var element = Element(field, JsonValueKind.String);
        if (element is null)
        {
            if (required && !Has(field)) Error(field, $"is required{hint}");
            return null;
        }
        var value = element.Value.GetString()!;
        if (required && value.Length == 0)
        {
            Error(field, hint is null ? "is required and must not be empty" : $"is empty; it is required{hint}");
            return null;
        }
        if (value.Length > maxLength)
        {
            Error(field, $"is {value.Length} characters long; at most {maxLength} allowed");
            return null;
        }
        return value;
    }

    public T? Choice<T>(string field, IReadOnlyDictionary<string, T> allowed) where T : struct
    {
        var value = String(field);
        if (value is null) return null;
        if (allowed.TryGetValue(value, out var parsed)) return parsed;
        Error(field, $"got \"{value}\"; allowed: {string.Join(", ", allowed.Keys)}{Suggestions.DidYouMean(value, allowed.Keys)}");
        return null;
    }

    public string? Choice(string field, IReadOnlyList<string> allowed)
    {
        var value = String(field);
        if (value is null || allowed.Contains(value, StringComparer.Ordinal)) return value;
        Error(field, $"got \"{value}\"; allowed: {string.Join(", ", allowed)}{Suggestions.DidYouMean(value, allowed)}");
        return null;
    }

    public int Int(string field, int defaultValue, int min, int max)
    {
        if (!_object.TryGetProperty(field, out var given) || given.ValueKind == JsonValueKind.Null) return defaultValue;
        if (given.ValueKind != JsonValueKind.Number)
        {
            Error(field, $"got {Shown(given)}; expected a whole number from {min} to {max}");
            return defaultValue;
        }
        var element = given;
        if (!element.TryGetInt32(out var value))
        {
            Error(field, $"got {element.GetRawText()}; expected a whole number from {min} to {max}");
            return defaultValue;
        }
        if (value < min || value > max)
        {
            Error(field, $"got {value.ToString(CultureInfo.InvariantCulture)}; expected a whole number from {min} to {max}");
            return defaultValue;
        }
        return value;
    }

    public bool Bool(string field, bool defaultValue)
    {
        if (!_object.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) return defaultValue;
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) return value.GetBoolean();
        Error(field, $"got {Shown(value)}; expected true or false");
        return defaultValue;
    }

    /// <summary>A list of strings; null when absent, errors for non-string items.</summary>
    public ImmutableArray<string>? Strings(string field)
    {
        var element = Element(field, JsonValueKind.Array);
        if (element is null) return null;
        var items = ImmutableArray.CreateBuilder<string>();
        var index = 0;
        foreach (var item in element.Value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String) items.Add(item.GetString()!);
            else Error($"{field}[{index}]", $"got {Shown(item)}; expected a string");
            index++;
        }
        return items.ToImmutable();
    }
}
