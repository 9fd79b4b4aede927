using System.Text.Json;
using System.Text.Json.Nodes;
using DestinationKit.Model.Aep;
using DestinationKit.Model.Configuration;
using YamlDotNet.RepresentationModel;

namespace DestinationKit.Simulator.Configuration;

/// <summary>Where the simulator gets a destination's AEP configuration: the <c>aepConfiguration</c> stack output (a
/// file holding the document, or <c>pulumi stack output --json</c> with it inside), or a Pulumi.&lt;stack&gt;.yaml built
/// through the model with the endpoint the deployment has.</summary>
public static class AepConfigLoader
{
    public static AepDestination FromJsonFile(string path) => FromJsonText(File.ReadAllText(path));

    public static AepDestination FromJsonText(string text)
    {
        var root = JsonNode.Parse(text) as JsonObject ?? throw new InvalidDataException("the AEP configuration is not a JSON object");
        // `pulumi stack output --json` holds the document under aepConfiguration, as an object or as JSON text.
        if (root["aepConfiguration"] is { } inner)
        {
            root = inner.GetValueKind() == JsonValueKind.String
                ? JsonNode.Parse((string)inner!) as JsonObject ?? throw new InvalidDataException("aepConfiguration is not a JSON object")
                : inner as JsonObject ?? throw new InvalidDataException("aepConfiguration is not a JSON object");
        }
        return AepDestination.FromJson((JsonObject)root.DeepClone());
    }

    /// <summary>Builds the AEP configuration of a Pulumi.&lt;stack&gt;.yaml through the model, as the stack would
    /// export it when deployed at <paramref name="endpoint"/> (SFTP on AWS: with the server's <paramref name="sftpHost"/>).
    /// The project name comes from Pulumi.yaml beside it.</summary>
    public static AepDestination FromStackFile(string path, Uri? endpoint, Uri? tokenUrl = null, string? sftpHost = null)
    {
        var stack = Path.GetFileNameWithoutExtension(path);
        stack = stack.StartsWith("Pulumi.", StringComparison.Ordinal) ? stack["Pulumi.".Length..] : stack;
        var project = "destinationkit";
        var projectFile = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "Pulumi.yaml");
        if (File.Exists(projectFile) && Load(projectFile) is { } projectRoot
            && projectRoot.Children.TryGetValue(new YamlScalarNode("name"), out var name) && name is YamlScalarNode { Value: { } n })
        {
            project = n;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var secrets = new List<string>();
        if (Load(path) is { } root && root.Children.TryGetValue(new YamlScalarNode("config"), out var config) && config is YamlMappingNode map)
        {
            foreach (var (key, value) in map.Children)
            {
                var k = ((YamlScalarNode)key).Value!;
                switch (value)
                {
                    case YamlScalarNode scalar:
                        values[k] = scalar.Value ?? "";
                        break;
                    case YamlMappingNode secure when secure.Children.ContainsKey(new YamlScalarNode("secure")):
                        // An encrypted secret: the simulator cannot decrypt it and the AEP JSON never holds it.
                        values[k] = "secret-not-decrypted";
                        secrets.Add(k);
                        break;
                    default:
                        throw new InvalidDataException($"{path}: {k} is not a string; Pulumi config values are strings (objects as JSON text)");
                }
            }
        }

        var (spec, errors) = DestinationSpecParser.TryParse(StackConfiguration.From(project, stack, values, secrets));
        if (spec is null)
        {
            throw new InvalidDataException($"{path} is not a valid destination configuration:{Environment.NewLine}"
                + string.Join(Environment.NewLine, errors.Select(e => "  " + e)));
        }
        if (spec.IsStreaming && endpoint is null)
        {
            throw new InvalidDataException("a streaming stack needs --endpoint (the URL the deployment serves, e.g. http://127.0.0.1:5080/)");
        }
        try
        {
            var aep = AepConfigurationBuilder.Build(spec, new DeploymentFacts { EndpointUrl = endpoint, TokenUrl = tokenUrl, SftpHost = sftpHost });
            return FromJsonText(aep.ToJson());
        }
        catch (ArgumentException e)
        {
            // A fact only the deployment knows, such as the host of an SFTP server on AWS.
            throw new InvalidDataException($"{path}: {e.Message.Split(" (Parameter", 2)[0]}; give it as an option, or use the deployed stack's outputs (--aep-config)");
        }
    }

    private static YamlMappingNode? Load(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode as YamlMappingNode;
    }
}
