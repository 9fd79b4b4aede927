using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace DestinationKit.Simulator.Configuration;

/// <summary>The <c>{{a.b.c}}</c> macros of audience templates and OAuth settings (shared/AEP.md §3): each is replaced
/// by the value at that path of the context (<c>segment</c>, <c>destination</c>, <c>customerData</c>, <c>authData</c>,
/// <c>oauth2ServiceAccessToken</c>, or a response's <c>body</c>/<c>headers</c>). Values are substituted into a string of
/// the template's JSON tree, never into JSON text, so quotes and backslashes in them stay data.</summary>
public static partial class Macros
{
    [GeneratedRegex(@"\{\{\s*([A-Za-z_][A-Za-z0-9_\-]*(?:\.[A-Za-z0-9_\-]+)*)\s*\}\}")]
    private static partial Regex Macro();

    public static string Resolve(string template, JsonObject context, ICollection<string>? missing = null) =>
        Macro().Replace(template, m =>
        {
            var value = Lookup(context, m.Groups[1].Value);
            if (value is null)
            {
                missing?.Add(m.Groups[1].Value);
                return "";
            }
            return value.GetValueKind() == JsonValueKind.String ? (string)value! : value.ToJsonString();
        });

    /// <summary>A template string that is one macro and nothing else resolves to the value itself (a number stays a number).</summary>
    public static JsonNode? ResolveNode(JsonNode? template, JsonObject context, ICollection<string>? missing = null)
    {
        switch (template)
        {
            case JsonObject obj:
                return new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, ResolveNode(p.Value, context, missing))));
            case JsonArray array:
                return new JsonArray([.. array.Select(i => ResolveNode(i, context, missing))]);
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                return Resolve((string)value!, context, missing);
            default:
                return template?.DeepClone();
        }
    }

    /// <summary>The node at a dotted path; <c>root</c> is the whole context.</summary>
    public static JsonNode? Lookup(JsonNode? context, string path)
    {
        if (path == "root") return context;
        var node = context;
        foreach (var part in path.Split('.'))
        {
            node = node switch
            {
                JsonObject obj => obj.TryGetPropertyValue(part, out var v) ? v
                    // header names are case-insensitive
                    : obj.FirstOrDefault(p => string.Equals(p.Key, part, StringComparison.OrdinalIgnoreCase)).Value,
                JsonArray array when int.TryParse(part, out var i) && i >= 0 && i < array.Count => array[i],
                _ => null,
            };
            if (node is null) return null;
        }
        return node;
    }
}
