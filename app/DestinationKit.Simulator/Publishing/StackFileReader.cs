using System.Globalization;
using System.Text.Json.Nodes;
using DestinationKit.Model.Aep;
using DestinationKit.Model.Configuration;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace DestinationKit.Simulator.Publishing;

/// <summary>Reads a Pulumi.&lt;stack&gt;.yaml into the <see cref="StackConfiguration"/> Pulumi would hand the program, and
/// builds its Destination SDK document through the model, as the stack exports it. Encrypted values
/// (<c>secure:</c>) cannot be read without Pulumi; they are replaced by neutral stand-ins, which is enough because
/// the AEP document never holds a secret.</summary>
public static class StackFileReader
{
    public const string DefaultProject = "destinationkit";

    public static StackConfiguration Read(string path)
    {
        var fileName = Path.GetFileName(path);
        if (!fileName.StartsWith("Pulumi.", StringComparison.Ordinal) || !(fileName.EndsWith(".yaml", StringComparison.Ordinal) || fileName.EndsWith(".yml", StringComparison.Ordinal)))
            throw new InvalidDataException($"{path}: a stack configuration file is named Pulumi.<stack>.yaml");
        var stack = Path.GetFileNameWithoutExtension(fileName)["Pulumi.".Length..];
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var secrets = new List<string>();
        if (Load(path) is { } root && root.Children.TryGetValue(new YamlScalarNode("config"), out var config))
        {
            if (config is not YamlMappingNode map) throw new InvalidDataException($"{path}: config is not a mapping of key: value");
            foreach (var (keyNode, value) in map.Children)
            {
                var key = ((YamlScalarNode)keyNode).Value ?? "";
                if (value is YamlMappingNode secure && secure.Children.ContainsKey(new YamlScalarNode("secure")))
                {
                    values[key] = StandIn(key);
                    secrets.Add(key);
                }
                else
                {
                    values[key] = value is YamlScalarNode scalar ? scalar.Value ?? "" : ToJson(value)?.ToJsonString() ?? "null";
                }
            }
        }
        return StackConfiguration.From(ProjectName(path), stack, values, secrets);
    }

    /// <summary>The stack's Destination SDK document; <paramref name="facts"/> holds what only a deployment knows
    /// (the streaming endpoint, the SFTP host on AWS).</summary>
    public static string BuildAepJson(string path, DeploymentFacts facts)
    {
        var (spec, errors) = DestinationSpecParser.TryParse(Read(path));
        if (spec is null)
        {
            throw new InvalidDataException($"{path} is not a valid destination configuration ({errors.Count} error{(errors.Count == 1 ? "" : "s")}):"
                + string.Concat(errors.Select(e => $"{Environment.NewLine}  - {e}")));
        }
        if (spec.IsStreaming && facts.EndpointUrl is null)
            throw new InvalidDataException($"{path} is a streaming destination: give --endpoint (the deployed gateway's base URL), or use the stack's outputs");
        try
        {
            return AepConfigurationBuilder.Build(spec, facts).ToJson();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}");
        }
    }

    /// <summary>A value that parses for a secret key (a JSON object for JSON-valued keys) and is never shown.</summary>
    private static string StandIn(string key)
    {
        var name = key.StartsWith(StackConfiguration.Namespace + ":", StringComparison.Ordinal) ? key[(StackConfiguration.Namespace.Length + 1)..] : key;
        var definition = ConfigKeys.All.FirstOrDefault(k => k.Name == name);
        return definition?.Type.StartsWith("JSON object", StringComparison.Ordinal) == true ? "{}" : "secret-not-decrypted";
    }

    private static string ProjectName(string path)
    {
        var projectFile = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "Pulumi.yaml");
        return File.Exists(projectFile) && Load(projectFile) is { } root
            && root.Children.TryGetValue(new YamlScalarNode("name"), out var name) && name is YamlScalarNode { Value: { Length: > 0 } project }
            ? project
            : DefaultProject;
    }

    private static YamlMappingNode? Load(string path)
    {
        try
        {
            using var reader = new StreamReader(path);
            var yaml = new YamlStream();
            yaml.Load(reader);
            return yaml.Documents.Count == 0 ? null : yaml.Documents[0].RootNode as YamlMappingNode;
        }
        catch (YamlException e)
        {
            throw new InvalidDataException($"{path}: not valid YAML ({e.Message})");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InvalidDataException($"{path}: no such file");
        }
    }

    /// <summary>Structured config (YAML lists and maps) reaches a Pulumi program as JSON text.</summary>
    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value ?? "", ToJson(c.Value)))),
        YamlSequenceNode list => new JsonArray(list.Children.Select(ToJson).ToArray()),
        YamlScalarNode { Style: ScalarStyle.Plain, Value: var v } when v is "true" or "false" => JsonValue.Create(v == "true"),
        YamlScalarNode { Style: ScalarStyle.Plain, Value: var v } when long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => JsonValue.Create(n),
        YamlScalarNode { Style: ScalarStyle.Plain, Value: "null" or "~" } => null,
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => throw new InvalidDataException("unsupported YAML node"),
    };
}
