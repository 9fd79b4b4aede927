using System.Globalization;
using System.Text.Json;

namespace DestinationKit.Model.Configuration;

/// <summary>Reads <c>destination:*</c> values, collecting every error instead of stopping at the first, and
/// remembers which keys were read so the rest can be reported as unknown.</summary>
internal sealed class ConfigReader
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _secretKeys;
    private readonly List<ConfigError> _errors = [];

    public ConfigReader(StackConfiguration configuration)
    {
        var prefix = StackConfiguration.Namespace + ":";
        foreach (var (key, value) in configuration.Values)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal)) _values[key[prefix.Length..]] = value;
        }
        _secretKeys = configuration.SecretKeys.ToHashSet(StringComparer.Ordinal);
    }

    public IReadOnlyList<ConfigError> Errors => _errors;

    public void Error(string key, string message) => _errors.Add(new ConfigError(Qualify(key), message));

    public static string Qualify(string key) => $"{StackConfiguration.Namespace}:{key}";

    public bool IsSet(ConfigKey key) => _values.ContainsKey(key.Name);

    public string? Raw(ConfigKey key) => _values.GetValueOrDefault(key.Name);

    /// <summary>A value given for a key that this destination does not use is a mistake worth reporting: the
    /// user believes it has an effect.</summary>
    public void RejectIfSet(ConfigKey key, string reason)
    {
        if (IsSet(key)) Error(key.Name, $"is not used {reason}; remove it");
    }

    public string? String(ConfigKey key, bool required, string? hint = null)
    {
        var value = Raw(key);
        if (value is null || value.Length == 0)
        {
            if (required) Error(key.Name, $"is required{hint}");
            return null;
        }
        return value;
    }

    public T? Choice<T>(ConfigKey key, IReadOnlyDictionary<string, T> allowed, bool required = false)
        where T : struct
    {
        var value = String(key, required, $"; set it to one of: {string.Join(", ", allowed.Keys)}");
        if (value is null) return null;
        if (allowed.TryGetValue(value, out var parsed)) return parsed;
        Error(key.Name, $"got \"{value}\"; allowed: {string.Join(", ", allowed.Keys)}{Suggestions.DidYouMean(value, allowed.Keys)}");
        return null;
    }

    public int Int(ConfigKey key, int defaultValue, int min, int max)
    {
        var value = Raw(key);
        if (value is null) return defaultValue;
        if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
        {
            Error(key.Name, $"got \"{value}\"; expected a whole number from {min} to {max}");
            return defaultValue;
        }
        if (parsed < min || parsed > max)
        {
            Error(key.Name, $"got {parsed}; expected a whole number from {min} to {max}");
            return defaultValue;
        }
        return parsed;
    }

    public bool Bool(ConfigKey key, bool defaultValue)
    {
        var value = Raw(key);
        if (value is null) return defaultValue;
        if (bool.TryParse(value, out var parsed)) return parsed;
        Error(key.Name, $"got \"{value}\"; expected true or false");
        return defaultValue;
    }

    /// <summary>Parses a JSON-valued key; a secret key's text is never echoed back.</summary>
    public JsonElement? Json(ConfigKey key, JsonValueKind expected)
    {
        var value = Raw(key);
        if (value is null) return null;
        try
        {
            using var document = JsonDocument.Parse(value);
            var root = document.RootElement.Clone();
            if (root.ValueKind == expected) return root;
            Error(key.Name, $"got a JSON {Describe(root.ValueKind)}; expected a JSON {Describe(expected)}");
        }
        catch (JsonException e)
        {
            var shown = key.IsSecret ? "" : $" (got {Quote(value)})";
            Error(key.Name, $"is not valid JSON at line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}{shown}; "
                + $"expected a JSON {Describe(expected)}");
        }
        return null;
    }

    public void RequireSecret(ConfigKey key)
    {
        if (IsSet(key) && !_secretKeys.Contains(key.FullName))
            Error(key.Name, $"holds a secret but is stored in plain text; set it with `pulumi config set --secret {key.FullName} '<value>'`");
    }

    public void ReportUnknownKeys()
    {
        var known = ConfigKeys.All.Select(k => k.Name).ToArray();
        foreach (var key in _values.Keys.Where(k => !known.Contains(k, StringComparer.Ordinal)).Order(StringComparer.Ordinal))
        {
            Error(key, $"is not a known key{Suggestions.DidYouMean(key, known)} (all keys: docs/configuration.md)");
        }
    }

    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "list",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>Quotes a received value for a message, shortened so a pasted blob does not flood the output.</summary>
    public static string Quote(string value) =>
        value.Length <= 80 ? $"\"{value}\"" : $"\"{value[..77]}...\"";
}
