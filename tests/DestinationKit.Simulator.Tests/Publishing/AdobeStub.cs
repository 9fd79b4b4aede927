using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace DestinationKit.Simulator.Tests.Publishing;

/// <summary>A request the Adobe stub received.</summary>
internal sealed record AdobeRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>Adobe IMS and the Destination SDK authoring API, as far as publish uses them, on Kestrel at 127.0.0.1:
/// the token endpoint checks the client credentials; the authoring endpoints check the headers of AEP.md §0, keep
/// objects in memory, list them as <c>{"items": [...]}</c> and answer POST/PUT with the stored object and its
/// <c>instanceId</c>. A test can make any request fail.</summary>
internal sealed class AdobeStub : IAsyncDisposable
{
    public const string ClientId = "stub-client-id";
    public const string ClientSecret = "stub-client-secret-p8x2q9";
    public const string OrgId = "ABCDEF0123456789@AdobeOrg";
    public const string Sandbox = "dk-test";
    public const string AccessToken = "stub-access-token-eyJhbGciOi";
    public const string AuthoringPrefix = "/data/core/activation/authoring/";

    private readonly WebApplication _app;
    private int _nextId;

    private AdobeStub(WebApplication app) => _app = app;

    public ConcurrentQueue<AdobeRequest> Requests { get; } = new();

    /// <summary>resource (destination-servers, audience-templates, destinations) → instanceId → stored object.</summary>
    public ConcurrentDictionary<string, ConcurrentDictionary<string, JsonObject>> Store { get; } = new();

    /// <summary>Answers a request with (status, body) instead of handling it, when it returns non-null.</summary>
    public Func<AdobeRequest, (int Status, string Body)?> Fail { get; set; } = _ => null;

    public Uri TokenUrl => new(BaseAddress, "ims/token/v3");

    public Uri AuthoringUrl => new(BaseAddress, AuthoringPrefix.TrimStart('/'));

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1:1/");

    public IReadOnlyList<AdobeRequest> AuthoringRequests => Requests.Where(r => r.Path.StartsWith(AuthoringPrefix, StringComparison.Ordinal)).ToList();

    public static async Task<AdobeStub> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var stub = new AdobeStub(app);
        app.Run(stub.HandleAsync);
        await app.StartAsync();
        stub.BaseAddress = new Uri(app.Urls.Single().TrimEnd('/') + "/");
        return stub;
    }

    /// <summary>Puts an object at "Adobe" as if someone had created it before.</summary>
    public string Seed(string resource, JsonObject body)
    {
        var id = NewId();
        body["instanceId"] = id;
        Resource(resource)[id] = body;
        return id;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private ConcurrentDictionary<string, JsonObject> Resource(string name) => Store.GetOrAdd(name, _ => new ConcurrentDictionary<string, JsonObject>());

    private string NewId() => $"{Interlocked.Increment(ref _nextId):D4}aaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var request = new AdobeRequest(context.Request.Method, context.Request.Path.Value ?? "",
            context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()), body);
        Requests.Enqueue(request);

        var (status, answer) = Fail(request) ?? Handle(request, context.Request.HasFormContentType ? QueryHelpers.ParseQuery(body) : null);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer);
    }

    private (int, string) Handle(AdobeRequest request, Dictionary<string, StringValues>? form)
    {
        if (request.Path == "/ims/token/v3" && request.Method == "POST")
        {
            if (form is null || form.GetValueOrDefault("grant_type").ToString() != "client_credentials") return (400, """{"error": "unsupported_grant_type"}""");
            if (form.GetValueOrDefault("client_id").ToString() != ClientId || form.GetValueOrDefault("client_secret").ToString() != ClientSecret)
                return (401, """{"error": "invalid_client", "error_description": "invalid client_id or client_secret"}""");
            return (200, $$"""{"access_token": "{{AccessToken}}", "token_type": "bearer", "expires_in": 86399}""");
        }
        if (!request.Path.StartsWith(AuthoringPrefix, StringComparison.Ordinal)) return (404, """{"title": "not found"}""");

        if (request.Headers.GetValueOrDefault("authorization") != $"Bearer {AccessToken}")
            return (401, """{"error_code": "401013", "message": "Oauth token is not valid"}""");
        if (request.Headers.GetValueOrDefault("x-api-key") != ClientId)
            return (403, """{"error_code": "403003", "message": "Api Key is invalid"}""");
        if (request.Headers.GetValueOrDefault("x-gw-ims-org-id") != OrgId || request.Headers.GetValueOrDefault("x-sandbox-name") != Sandbox)
            return (403, """{"title": "Forbidden", "detail": "org or sandbox not allowed"}""");

        var parts = request.Path[AuthoringPrefix.Length..].Split('/');
        var resource = Resource(parts[0]);
        switch (request.Method, parts.Length)
        {
            case ("GET", 1):
                return (200, new JsonObject { ["items"] = new JsonArray(resource.Values.OrderBy(o => (string)o["instanceId"]!, StringComparer.Ordinal).Select(o => (JsonNode)o.DeepClone()).ToArray()) }.ToJsonString());
            case ("POST", 1):
            {
                if (request.Headers.GetValueOrDefault("content-type")?.StartsWith("application/json", StringComparison.Ordinal) != true)
                    return (415, """{"title": "Unsupported Media Type"}""");
                var stored = (JsonObject)JsonNode.Parse(request.Body)!;
                var id = NewId();
                stored["instanceId"] = id;
                stored["createdDate"] = "2026-11-29T10:00:00Z";
                resource[id] = stored;
                return (200, stored.ToJsonString());
            }
            case ("PUT", 2) when resource.ContainsKey(parts[1]):
            {
                var stored = (JsonObject)JsonNode.Parse(request.Body)!;
                stored["instanceId"] = parts[1];
                stored["lastModifiedDate"] = "2026-11-29T11:00:00Z";
                resource[parts[1]] = stored;
                return (200, stored.ToJsonString());
            }
            default:
                return (404, """{"title": "Not Found", "detail": "no such object"}""");
        }
    }
}
