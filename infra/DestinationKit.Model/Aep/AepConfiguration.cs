using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DestinationKit.Model.Aep;

/// <summary>The Destination SDK objects of one destination, in Adobe's field names and enums. Key order is
/// fixed by the builders, so the JSON text is deterministic.</summary>
public sealed record AepConfiguration(JsonObject DestinationServer, JsonObject DestinationConfiguration, JsonObject? AudienceTemplate)
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        // Keep Pebble's quotes and angle brackets readable; the output is JSON for Adobe's API, not HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>All objects in one document: <c>destinationServer</c>, <c>audienceTemplate</c> (when audiences
    /// are synced) and <c>destinationConfiguration</c>, in the order they must be created at Adobe.</summary>
    public string ToJson()
    {
        var document = new JsonObject { ["destinationServer"] = DestinationServer.DeepClone() };
        if (AudienceTemplate is not null) document["audienceTemplate"] = AudienceTemplate.DeepClone();
        document["destinationConfiguration"] = DestinationConfiguration.DeepClone();
        return document.ToJsonString(Indented) + "\n";
    }
}
