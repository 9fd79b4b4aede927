using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DestinationKit.Model.Permissions;

/// <summary>An IAM policy document as data: tests read its statements, the Pulumi layer serialises it.</summary>
public sealed record AwsPolicy(ImmutableArray<AwsPolicyStatement> Statements)
{
    public string ToJson()
    {
        var document = new JsonObject
        {
            ["Version"] = "2012-10-17",
            ["Statement"] = new JsonArray([.. Statements.Select(s => (JsonNode)s.ToJsonNode())]),
        };
        return document.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }
}

/// <summary>One statement. <see cref="Principal"/> is set only in resource and trust policies; conditions
/// are operator → key → values, as IAM writes them.</summary>
public sealed record AwsPolicyStatement(
    string Sid,
    string Effect,
    ImmutableArray<string> Actions,
    ImmutableArray<string> Resources,
    ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, ImmutableArray<string>>>? Condition = null,
    JsonObject? Principal = null)
{
    public JsonObject ToJsonNode()
    {
        var node = new JsonObject { ["Sid"] = Sid, ["Effect"] = Effect };
        if (Principal is not null) node["Principal"] = Principal.DeepClone();
        node["Action"] = Actions.Length == 1 ? Actions[0] : new JsonArray([.. Actions.Select(a => (JsonNode)a)]);
        if (!Resources.IsDefaultOrEmpty)
            node["Resource"] = Resources.Length == 1 ? Resources[0] : new JsonArray([.. Resources.Select(r => (JsonNode)r)]);
        if (Condition is not null)
        {
            node["Condition"] = new JsonObject(Condition.Select(op => KeyValuePair.Create(op.Key, (JsonNode?)new JsonObject(
                op.Value.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)(kv.Value.Length == 1
                    ? JsonValue.Create(kv.Value[0])
                    : new JsonArray([.. kv.Value.Select(v => (JsonNode)v)]))))))));
        }
        return node;
    }
}
