using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DestinationKit.Simulator.Publishing;

/// <summary>An error answer of Adobe's authoring API.</summary>
public sealed class AuthoringApiException(string message, int statusCode)
    : PublishException(message, PublishExitCodes.ApiError)
{
    public int StatusCode { get; } = statusCode;
}

/// <summary>Adobe's Destination SDK authoring API (<c>/data/core/activation/authoring</c>) with the headers every
/// call needs: <c>Authorization: Bearer</c>, <c>x-api-key</c>, <c>x-gw-ims-org-id</c>, <c>x-sandbox-name</c>,
/// <c>Content-Type: application/json</c>.</summary>
public sealed class AuthoringClient
{
    public static readonly Uri DefaultBaseUrl = new("https://platform.adobe.io/data/core/activation/authoring/");

    private readonly HttpClient _http;
    private readonly Uri _baseUrl;
    private readonly string _accessToken;
    private readonly AdobeCredentials _credentials;

    public AuthoringClient(HttpClient http, Uri baseUrl, string accessToken, AdobeCredentials credentials)
    {
        _http = http;
        _baseUrl = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
        _accessToken = accessToken;
        _credentials = credentials;
    }

    /// <summary>Every object of a resource (<c>destination-servers</c>, <c>audience-templates</c>, <c>destinations</c>).</summary>
    public async Task<IReadOnlyList<JsonObject>> ListAsync(string resource, CancellationToken cancellationToken)
    {
        var body = await SendAsync(HttpMethod.Get, resource, null, cancellationToken).ConfigureAwait(false);
        return body switch
        {
            JsonObject { } page when page["items"] is JsonArray items => items.OfType<JsonObject>().ToList(),
            JsonArray items => items.OfType<JsonObject>().ToList(),
            _ => throw new AuthoringApiException($"GET /{resource}: expected a list of items", 200),
        };
    }

    public async Task<JsonObject> CreateAsync(string resource, JsonObject body, CancellationToken cancellationToken) =>
        Object(await SendAsync(HttpMethod.Post, resource, body, cancellationToken).ConfigureAwait(false), "POST", resource);

    public async Task<JsonObject> UpdateAsync(string resource, string instanceId, JsonObject body, CancellationToken cancellationToken) =>
        Object(await SendAsync(HttpMethod.Put, $"{resource}/{Uri.EscapeDataString(instanceId)}", body, cancellationToken).ConfigureAwait(false), "PUT", resource);

    private static JsonObject Object(JsonNode? node, string method, string path) =>
        node as JsonObject ?? throw new AuthoringApiException($"{method} /{path}: expected the stored object in the answer", 200);

    private async Task<JsonNode?> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(_baseUrl, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _accessToken);
        request.Headers.Add("x-api-key", _credentials.ClientId);
        request.Headers.Add("x-gw-ims-org-id", _credentials.OrgId);
        request.Headers.Add("x-sandbox-name", _credentials.Sandbox);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new PublishException($"could not reach Adobe's authoring API at {_baseUrl}: {e.Message}", PublishExitCodes.Failed, e);
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var status = (int)response.StatusCode;
                throw new AuthoringApiException($"{method} /{path}: HTTP {status} {Describe(text)}{Hint(status)}", status);
            }
            try
            {
                return text.Length == 0 ? null : JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                throw new AuthoringApiException($"{method} /{path}: the answer is not JSON", (int)response.StatusCode);
            }
        }
    }

    /// <summary>Adobe's error model: <c>title</c>/<c>detail</c> or <c>error_code</c>/<c>message</c>; else a short excerpt.</summary>
    private static string Describe(string body)
    {
        try
        {
            if (JsonNode.Parse(body) is JsonObject error)
            {
                var parts = new[] { "error_code", "code", "title", "message", "detail" }
                    .Select(k => error[k] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null)
                    .Where(s => !string.IsNullOrWhiteSpace(s)).Distinct().ToList();
                if (parts.Count > 0) return string.Join(": ", parts);
            }
        }
        catch (JsonException)
        {
        }
        var excerpt = body.ReplaceLineEndings(" ").Trim();
        return excerpt.Length > 300 ? excerpt[..300] + "…" : excerpt;
    }

    private static string Hint(int status) => status switch
    {
        401 => " (the IMS token was not accepted: check the org id and that the credential's project has the Experience Platform API)",
        403 => " (the credential's product profile needs the Destination Authoring permission, and the sandbox must be right)",
        _ => "",
    };
}
