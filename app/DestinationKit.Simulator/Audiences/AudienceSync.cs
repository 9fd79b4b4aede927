using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using DestinationKit.Simulator.Configuration;
using DestinationKit.Simulator.Profiles;
using DestinationKit.Simulator.Streaming;

namespace DestinationKit.Simulator.Audiences;

/// <summary>One call of the audience template.</summary>
public sealed record AudienceCall(
    string Event,
    string SegmentId,
    string Method,
    string Url,
    int Status,
    string? ExternalAudienceId,
    string? ErrorMessage,
    IReadOnlyList<string> MissingMacros,
    double Milliseconds)
{
    [JsonIgnore]
    public bool Succeeded => RetryPolicy.IsSuccess(Status) && ErrorMessage is null;
}

/// <summary>What happened to one audience: its alias, whether a repeated create gave the same alias, update and delete.</summary>
public sealed record AudienceOutcome(string SegmentId, string Name, string? ExternalAudienceId, bool? StableOnRepeatedCreate, bool? Updated, bool? Deleted)
{
    public bool Ok => ExternalAudienceId is not null && StableOnRepeatedCreate != false && Updated != false && Deleted != false;
}

public sealed record AudienceReport(IReadOnlyList<AudienceOutcome> Audiences, IReadOnlyList<AudienceCall> Calls)
{
    public bool Ok => Audiences.All(a => a.Ok) && Calls.All(c => c.Succeeded);

    public IReadOnlyDictionary<string, string> Aliases => Audiences
        .Where(a => a.ExternalAudienceId is not null)
        .ToDictionary(a => a.SegmentId, a => a.ExternalAudienceId!, StringComparer.Ordinal);
}

/// <summary>Drives the audience template (shared/AEP.md §3) as AEP does when a customer maps audiences to the destination:
/// renders the <c>create</c>, <c>update</c> and <c>delete</c> calls' URL, headers and JSON body from the
/// <c>{{segment.*}}</c>, <c>{{destination.*}}</c>, <c>{{customerData.*}}</c>, <c>{{authData.*}}</c> and
/// <c>{{oauth2ServiceAccessToken}}</c> macros, and reads <c>responseFields</c> (the <c>externalAudienceId</c>, AEP's
/// alias) and <c>responseErrorFields</c> from the answer.</summary>
public sealed class AudienceSync(AepDestination destination, SimulatorCredentials credentials, AepAuthenticator authenticator, HttpClient http)
{
    public const string DestinationId = "00000000-5e1a-4a7e-9d5c-000000000001";

    public async Task<AudienceReport> RunAsync(IReadOnlyList<SampleAudience> audiences, bool repeatCreate, bool update, bool delete,
        CancellationToken cancellationToken)
    {
        var template = destination.AudienceTemplate ?? throw new InvalidOperationException("the destination has no audience template");
        var calls = new List<AudienceCall>();
        var outcomes = new List<AudienceOutcome>();
        foreach (var audience in audiences)
        {
            var created = await CallAsync(template, "create", audience, null, cancellationToken).ConfigureAwait(false);
            calls.Add(created);
            var alias = created.Succeeded ? created.ExternalAudienceId : null;
            bool? stable = null, updated = null, deleted = null;
            if (alias is not null && repeatCreate)
            {
                // AEP may call create twice for one audience: the alias must not change.
                var again = await CallAsync(template, "create", audience, null, cancellationToken).ConfigureAwait(false);
                calls.Add(again);
                stable = again.Succeeded && again.ExternalAudienceId == alias;
            }
            if (alias is not null && update && template["update"] is JsonObject)
            {
                var renamed = audience with { Name = audience.Name + " (renamed)" };
                var call = await CallAsync(template, "update", renamed, alias, cancellationToken).ConfigureAwait(false);
                calls.Add(call);
                updated = call.Succeeded && (call.ExternalAudienceId is null || call.ExternalAudienceId == alias);
            }
            if (alias is not null && delete && template["delete"] is JsonObject)
            {
                var call = await CallAsync(template, "delete", audience, alias, cancellationToken).ConfigureAwait(false);
                calls.Add(call);
                deleted = call.Succeeded;
            }
            outcomes.Add(new AudienceOutcome(audience.Id, audience.Name, alias, stable, updated, deleted));
        }
        return new AudienceReport(outcomes, calls);
    }

    public async Task<AudienceCall> CallAsync(JsonObject template, string eventName, SampleAudience audience, string? alias,
        CancellationToken cancellationToken)
    {
        var spec = template[eventName] as JsonObject ?? throw new InvalidOperationException($"the audience template has no {eventName} call");
        var context = await ContextAsync(audience, alias, cancellationToken).ConfigureAwait(false);
        var missing = new List<string>();
        var url = Macros.Resolve((string?)spec["url"] ?? throw new InvalidDataException($"{eventName}.url is missing"), context, missing);
        var method = (string?)spec["httpMethod"] ?? "POST";
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        var contentType = "application/json";
        foreach (var header in (spec["headers"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var name = (string?)header["header"] ?? "";
            var value = Macros.Resolve(HeaderValue(header["value"]), context, missing);
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) contentType = value;
            else request.Headers.TryAddWithoutValidation(name, value);
        }
        if (spec["requestBody"]?["json"] is { } bodyTemplate)
        {
            var body = Macros.ResolveNode(bodyTemplate, context, missing)!;
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        var watch = Stopwatch.StartNew();
        int status;
        string text;
        JsonObject responseContext;
        try
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            status = (int)response.StatusCode;
            text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            responseContext = ResponseContext(response, text);
        }
        catch (HttpRequestException e)
        {
            return new AudienceCall(eventName, audience.Id, method, url, 0, null, e.Message, missing, watch.Elapsed.TotalMilliseconds);
        }

        string? externalId = null, error = null;
        if (RetryPolicy.IsSuccess(status))
        {
            foreach (var field in (spec["responseFields"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if ((string?)field["name"] != "externalAudienceId") continue;
                var value = Macros.Resolve((string?)field["value"] ?? "", responseContext);
                if (string.IsNullOrEmpty(value)) error = $"the response has no value for {field["value"]}";
                else externalId = value;
            }
        }
        else
        {
            var messages = (spec["responseErrorFields"] as JsonArray ?? []).OfType<JsonObject>()
                .Select(f => Macros.Resolve((string?)f["value"] ?? "", responseContext)).Where(m => m.Length > 0).ToList();
            error = messages.Count > 0 ? string.Join("; ", messages) : $"HTTP {status}";
        }
        if (missing.Count > 0) error ??= "unresolved macros: " + string.Join(", ", missing.Distinct());
        return new AudienceCall(eventName, audience.Id, method, url, status, externalId, error, [.. missing.Distinct()], watch.Elapsed.TotalMilliseconds);
    }

    private static string HeaderValue(JsonNode? value) => value switch
    {
        JsonObject templated => (string?)templated["value"] ?? "",
        null => "",
        _ => (string)value!,
    };

    private async Task<JsonObject> ContextAsync(SampleAudience audience, string? alias, CancellationToken cancellationToken)
    {
        string? accessToken = null;
        if (destination.Auth.Type == StreamingAuthType.OAuth2ClientCredentials)
        {
            accessToken = await authenticator.TokenAsync(cancellationToken).ConfigureAwait(false);
        }
        var segment = new JsonObject { ["id"] = audience.Id, ["name"] = audience.Name, ["description"] = audience.Description };
        if (alias is not null) segment["alias"] = alias;
        var context = new JsonObject
        {
            ["segment"] = segment,
            ["destination"] = DestinationContext(destination.Name),
            ["customerData"] = credentials.CustomerDataJson(),
            ["authData"] = credentials.AuthData(accessToken),
        };
        if (accessToken is not null) context["oauth2ServiceAccessToken"] = accessToken;
        return context;
    }

    /// <summary><c>destination.*</c> of AEP's metadata macros, for a simulated org and sandbox.</summary>
    public static JsonObject DestinationContext(string name) => new()
    {
        ["id"] = DestinationId,
        ["name"] = name,
        ["sandboxName"] = "simulator",
        ["imsOrgId"] = "SIMULATOR0000000000000000@AdobeOrg",
    };

    private static JsonObject ResponseContext(HttpResponseMessage response, string text)
    {
        JsonNode? body = null;
        if (text.Length > 0)
        {
            try
            {
                body = JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                body = text;
            }
        }
        var headers = new JsonObject();
        foreach (var h in response.Headers.Concat(response.Content.Headers))
        {
            headers[h.Key] = string.Join(",", h.Value);
        }
        var context = new JsonObject
        {
            ["body"] = body?.DeepClone(),
            ["headers"] = headers,
            ["response"] = new JsonObject { ["body"] = body?.DeepClone(), ["status"] = (int)response.StatusCode, ["headers"] = headers.DeepClone() },
        };
        // {{root}}, {{error.message}} and {{message}} read the body's own top level.
        if (body is JsonObject obj)
        {
            foreach (var (k, v) in obj)
            {
                if (!context.ContainsKey(k)) context[k] = v?.DeepClone();
            }
        }
        return context;
    }
}
