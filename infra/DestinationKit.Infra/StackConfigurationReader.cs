using System.Text.Json;
using DestinationKit.Model.Configuration;
using Pulumi;

namespace DestinationKit.Infra;

/// <summary>Reads the stack's whole configuration once. Pulumi's .NET Config API answers only for keys one
/// asks about, but unknown keys must be reported too, so the map is read from PULUMI_CONFIG and
/// PULUMI_CONFIG_SECRET_KEYS, which the Pulumi CLI (and the test harness) hand to the program.</summary>
internal static class StackConfigurationReader
{
    private const string ConfigVariable = "PULUMI_CONFIG";
    private const string SecretKeysVariable = "PULUMI_CONFIG_SECRET_KEYS";

    public static StackConfiguration Read()
    {
        var values = ReadJson<Dictionary<string, string>>(ConfigVariable) ?? KnownKeysThroughConfigApi();
        var secretKeys = ReadJson<string[]>(SecretKeysVariable) ?? [];
        return StackConfiguration.From(Deployment.Instance.ProjectName, Deployment.Instance.StackName, values, secretKeys);
    }

    /// <summary>Inline Automation API programs get their configuration without the environment variable; the
    /// known keys are still read (unknown ones cannot be seen there, which the Automation library checks itself).</summary>
    private static Dictionary<string, string> KnownKeysThroughConfigApi()
    {
        var config = new Config(StackConfiguration.Namespace);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in ConfigKeys.All)
        {
            if (config.Get(key.Name) is { } value) values[key.FullName] = value;
        }
        return values;
    }

    private static T? ReadJson<T>(string variable) where T : class
    {
        var text = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrEmpty(text)) return null;
        try
        {
            return JsonSerializer.Deserialize<T>(text);
        }
        catch (JsonException e)
        {
            // The CLI wrote this variable; its content is configuration, possibly secret, so it is not repeated.
            throw new RunException($"{variable} is not the JSON the Pulumi CLI writes ({e.Message}); run the program through `pulumi up`");
        }
    }
}
