namespace DestinationKit.Model.Configuration;

/// <summary>Documentation and identity of one <c>destination:*</c> key: the parser accepts exactly these keys
/// (and, inside JSON objects, exactly these fields), and docs/configuration.md is generated from them.</summary>
public sealed record ConfigKey(
    string Name,
    string Type,
    string Default,
    string AppliesTo,
    string Description,
    bool IsSecret = false,
    IReadOnlyList<ConfigField>? Fields = null)
{
    public string FullName => $"{StackConfiguration.Namespace}:{Name}";

    public IReadOnlyList<string> FieldNames => Fields?.Select(f => f.Name).ToArray() ?? [];
}

/// <summary>A field of a key whose value is a JSON object.</summary>
public sealed record ConfigField(string Name, string Type, string Default, string Description);
