using System.Text.Json.Nodes;

namespace DestinationKit.Model.Aep;

/// <summary>AEP's <c>{templatingStrategy, value}</c> pairs.</summary>
internal static class Templated
{
    public static JsonObject Literal(string value) => new() { ["templatingStrategy"] = "NONE", ["value"] = value };

    public static JsonObject Pebble(string value) => new() { ["templatingStrategy"] = "PEBBLE_V1", ["value"] = value };
}
