using System.Text.Json.Nodes;
using DestinationKit.Simulator.Pebble;

namespace DestinationKit.Simulator.Tests.Pebble;

internal static class TemplateKit
{
    public static string Render(string template, string contextJson = "{}") =>
        PebbleTemplate.Parse(template).Render(JsonNode.Parse(contextJson)!.AsObject());

    public static string Render(string template, JsonObject context) => PebbleTemplate.Parse(template).Render(context);

    /// <summary>Renders with a single root variable <c>v</c> holding <paramref name="value"/> as a JSON string.</summary>
    public static string RenderWithValue(string template, string value) =>
        Render(template, new JsonObject { ["v"] = value });

    public static PebbleTemplateException ParseError(string template) =>
        Assert.Throws<PebbleTemplateException>(() => PebbleTemplate.Parse(template));

    public static PebbleTemplateException RenderError(string template, string contextJson = "{}")
    {
        var parsed = PebbleTemplate.Parse(template);
        return Assert.Throws<PebbleTemplateException>(() => parsed.Render(JsonNode.Parse(contextJson)!.AsObject()));
    }
}
