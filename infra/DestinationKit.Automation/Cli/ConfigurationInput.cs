using System.Text.Json;
using DestinationKit.Model.Configuration;
using DestinationKit.Simulator.Publishing;

namespace DestinationKit.Automation.Cli;

/// <summary>Reads the configuration the deployment commands deploy: a Pulumi.&lt;stack&gt;.yaml (plain values; its
/// encrypted <c>secure:</c> values cannot be read here and must be given with <c>--secret</c>) or a JSON object of
/// key → value, where a secret value is written <c>{"secret": "..."}</c>. <c>--secret key=VARIABLE</c> sets a key,
/// as a secret, from an environment variable, so secrets never appear on a command line.</summary>
public static class ConfigurationInput
{
    public static StackConfiguration Read(string path, string? stack, IEnumerable<string> secretAssignments, Func<string, string?> environment)
    {
        if (!File.Exists(path)) throw new InvalidDataException($"{path}: no such file");
        StackConfiguration configuration;
        var undecrypted = new HashSet<string>(StringComparer.Ordinal);
        if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            configuration = ReadJson(path, stack);
        }
        else
        {
            configuration = StackFileReader.Read(path);
            undecrypted.UnionWith(configuration.SecretKeys);
            if (stack is not null) configuration = configuration with { Stack = stack };
        }

        var values = new Dictionary<string, string>(configuration.Values, StringComparer.Ordinal);
        var secrets = new HashSet<string>(configuration.SecretKeys, StringComparer.Ordinal);
        foreach (var assignment in secretAssignments)
        {
            var separator = assignment.IndexOf('=', StringComparison.Ordinal);
            if (separator <= 0 || separator == assignment.Length - 1)
                throw new InvalidDataException($"--secret {assignment}: expected KEY=ENVIRONMENT_VARIABLE, e.g. destination:dlzSasUris=DLZ_SAS_URIS");
            var (key, variable) = (assignment[..separator], assignment[(separator + 1)..]);
            var value = environment(variable);
            if (string.IsNullOrEmpty(value)) throw new InvalidDataException($"--secret {key}: environment variable {variable} is not set");
            values[key] = value;
            secrets.Add(key);
            undecrypted.Remove(key);
        }
        if (undecrypted.Count > 0)
        {
            throw new InvalidDataException($"{path}: encrypted values cannot be read without Pulumi; give each with --secret KEY=ENVIRONMENT_VARIABLE: "
                + string.Join(", ", undecrypted.Order(StringComparer.Ordinal)));
        }
        return configuration with { Values = values, SecretKeys = secrets };
    }

    private static StackConfiguration ReadJson(string path, string? stack)
    {
        if (stack is null) throw new InvalidDataException($"{path}: give the stack name with --stack");
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var secrets = new List<string>();
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{path}: expected a JSON object of key → value");
            foreach (var property in document.RootElement.EnumerateObject())
            {
                switch (property.Value.ValueKind)
                {
                    case JsonValueKind.String:
                        values[property.Name] = property.Value.GetString()!;
                        break;
                    case JsonValueKind.Object when property.Value.TryGetProperty("secret", out var secret) && secret.ValueKind == JsonValueKind.String:
                        values[property.Name] = secret.GetString()!;
                        secrets.Add(property.Name);
                        break;
                    default:
                        throw new InvalidDataException($"{path}: {property.Name} must be a string (objects and lists as JSON text) or {{\"secret\": \"...\"}}");
                }
            }
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message})");
        }
        return StackConfiguration.From(StackFileReader.DefaultProject, stack, values, secrets);
    }
}
