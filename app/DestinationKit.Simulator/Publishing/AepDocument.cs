using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DestinationKit.Simulator.Publishing;

/// <summary>The Destination SDK document a stack exports as <c>aepConfiguration</c> (docs/aep-configuration.md):
/// <c>destinationServer</c>, optional <c>audienceTemplate</c>, <c>destinationConfiguration</c>.</summary>
public sealed record AepDocument(JsonObject DestinationServer, JsonObject? AudienceTemplate, JsonObject DestinationConfiguration)
{
    public const string ServerKey = "destinationServer";
    public const string AudienceTemplateKey = "audienceTemplate";
    public const string DestinationKey = "destinationConfiguration";
    private const string OutputKey = "aepConfiguration";

    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Reads the document itself, or <c>pulumi stack output --json</c> holding it under <c>aepConfiguration</c>
    /// (as an object or as JSON text).</summary>
    public static AepDocument Parse(string json, string source)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json) as JsonObject ?? throw new InvalidDataException($"{source}: not a JSON object");
            if (root[OutputKey] is { } inner)
            {
                root = (inner.GetValueKind() == JsonValueKind.String ? JsonNode.Parse(inner.GetValue<string>()) : inner.DeepClone()) as JsonObject
                    ?? throw new InvalidDataException($"{source}: {OutputKey} is not a JSON object");
            }
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not valid JSON ({e.Message})");
        }
        var server = root[ServerKey] as JsonObject ?? throw new InvalidDataException($"{source}: has no {ServerKey} object (expected the stack's {OutputKey} output)");
        var destination = root[DestinationKey] as JsonObject ?? throw new InvalidDataException($"{source}: has no {DestinationKey} object");
        var template = root[AudienceTemplateKey] switch
        {
            null => null,
            JsonObject o => o,
            _ => throw new InvalidDataException($"{source}: {AudienceTemplateKey} is not an object"),
        };
        return new AepDocument((JsonObject)server.DeepClone(), (JsonObject?)template?.DeepClone(), (JsonObject)destination.DeepClone());
    }

    public string ToJson()
    {
        var document = new JsonObject { [ServerKey] = DestinationServer.DeepClone() };
        if (AudienceTemplate is not null) document[AudienceTemplateKey] = AudienceTemplate.DeepClone();
        document[DestinationKey] = DestinationConfiguration.DeepClone();
        return document.ToJsonString(Indented) + "\n";
    }
}
