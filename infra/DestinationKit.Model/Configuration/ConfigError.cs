namespace DestinationKit.Model.Configuration;

/// <summary>One problem with the stack configuration: the full config key (with the JSON path inside
/// an object value), and a message that says what was received and what is allowed.</summary>
public sealed record ConfigError(string Key, string Message)
{
    public override string ToString() => $"{Key}: {Message}";
}

/// <summary>Thrown when a configuration has errors; carries all of them, never a secret value.</summary>
public sealed class InvalidDestinationConfigException(IReadOnlyList<ConfigError> errors)
    : Exception(Describe(errors))
{
    public IReadOnlyList<ConfigError> Errors { get; } = errors;

    private static string Describe(IReadOnlyList<ConfigError> errors) =>
        $"The destination configuration has {errors.Count} error{(errors.Count == 1 ? "" : "s")}:"
        + string.Concat(errors.Select(e => $"{Environment.NewLine}  - {e}"));
}
