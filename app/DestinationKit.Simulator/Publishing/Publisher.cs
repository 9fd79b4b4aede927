using System.Text.Json.Nodes;
using DestinationKit.Model.Aep;

namespace DestinationKit.Simulator.Publishing;

/// <summary>What publishing did with one object.</summary>
public sealed record PublishedObject(string Kind, string Name, string InstanceId, bool Created)
{
    public override string ToString() => $"{(Created ? "created" : "updated")} {Kind} \"{Name}\" ({InstanceId})";
}

/// <summary>Creates or updates a destination's objects at Adobe, in order: destination server, audience template
/// (when there is one), destination configuration, with the configuration's <c>${destinationServerId}</c> and
/// <c>${audienceTemplateId}</c> replaced by the instance ids Adobe returned. Idempotent: an object whose name
/// already exists is updated in place (PUT) rather than created again; two existing objects of one name are an
/// error, never a guess.</summary>
public sealed class Publisher(AuthoringClient client, Action<string>? log = null)
{
    public const string ServersPath = "destination-servers";
    public const string AudienceTemplatesPath = "audience-templates";
    public const string DestinationsPath = "destinations";

    public async Task<IReadOnlyList<PublishedObject>> PublishAsync(AepDocument document, CancellationToken cancellationToken)
    {
        // A document that cannot be completed stops before anything is written at Adobe.
        if (document.AudienceTemplate is null) Resolve(document.DestinationConfiguration, "check", null);
        var published = new List<PublishedObject>();
        var server = await UpsertAsync("destination server", ServersPath, document.DestinationServer, ServerName, cancellationToken).ConfigureAwait(false);
        published.Add(server);

        PublishedObject? template = null;
        if (document.AudienceTemplate is not null)
        {
            template = await UpsertAsync("audience template", AudienceTemplatesPath, document.AudienceTemplate, TemplateName, cancellationToken).ConfigureAwait(false);
            published.Add(template);
        }

        var destination = Resolve(document.DestinationConfiguration, server.InstanceId, template?.InstanceId);
        published.Add(await UpsertAsync("destination", DestinationsPath, destination, ServerName, cancellationToken).ConfigureAwait(false));
        return published;
    }

    /// <summary>The destination configuration with the placeholders replaced; a placeholder with nothing to replace
    /// it means the document is incomplete.</summary>
    public static JsonObject Resolve(JsonObject destination, string serverId, string? audienceTemplateId)
    {
        var text = destination.ToJsonString().Replace(Placeholders.DestinationServerId, serverId, StringComparison.Ordinal);
        if (audienceTemplateId is not null) text = text.Replace(Placeholders.AudienceTemplateId, audienceTemplateId, StringComparison.Ordinal);
        else if (text.Contains(Placeholders.AudienceTemplateId, StringComparison.Ordinal))
            throw new PublishException($"the destination configuration refers to {Placeholders.AudienceTemplateId} but the document has no audienceTemplate", PublishExitCodes.InvalidInput);
        return (JsonObject)JsonNode.Parse(text)!;
    }

    private static string? ServerName(JsonObject o) => o["name"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static string? TemplateName(JsonObject o) => o["metadataTemplate"] is JsonObject m ? ServerName(m) : null;

    private async Task<PublishedObject> UpsertAsync(string kind, string path, JsonObject body, Func<JsonObject, string?> nameOf, CancellationToken cancellationToken)
    {
        var name = nameOf(body) ?? throw new PublishException($"the {kind} has no name, so it could not be found again on the next publish", PublishExitCodes.InvalidInput);
        var existing = (await client.ListAsync(path, cancellationToken).ConfigureAwait(false)).Where(o => nameOf(o) == name).ToList();
        if (existing.Count > 1)
        {
            throw new PublishException(
                $"{existing.Count} {kind}s are named \"{name}\" ({string.Join(", ", existing.Select(InstanceId))}); delete the extra ones so publish knows which to update",
                PublishExitCodes.ApiError);
        }

        JsonObject stored;
        bool created;
        if (existing.Count == 1)
        {
            stored = await client.UpdateAsync(path, InstanceId(existing[0]), body, cancellationToken).ConfigureAwait(false);
            created = false;
        }
        else
        {
            stored = await client.CreateAsync(path, body, cancellationToken).ConfigureAwait(false);
            created = true;
        }
        var id = stored["instanceId"] is JsonValue idValue && idValue.TryGetValue<string>(out var returned) ? returned
            : existing.Count == 1 ? InstanceId(existing[0])
            : throw new AuthoringApiException($"POST /{path}: the answer has no instanceId", 200);
        var result = new PublishedObject(kind, name, id, created);
        log?.Invoke(result.ToString());
        return result;
    }

    private static string InstanceId(JsonObject o) =>
        o["instanceId"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw new AuthoringApiException("an existing object has no instanceId", 200);
}
