using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DestinationKit.Gcp.Streaming;

/// <summary>A JWT check at the gateway: tokens must be signed by a key of <see cref="JwksUri"/>, carry
/// <see cref="Issuer"/> as <c>iss</c> and <see cref="Audience"/> in <c>aud</c>.</summary>
public sealed record GatewayJwt(string Issuer, string JwksUri, string Audience);

/// <summary>The OpenAPI 2.0 documents of API Gateway's API configs (docs/gcp.md, "Streaming"): every route of the app
/// that AEP or the partner calls, sent on to the Cloud Run service (<c>x-google-backend</c>, the request path appended
/// to its address). With a <see cref="GatewayJwt"/>, every data route requires a valid token (<c>security</c> on each
/// operation, none on the document); the app's open routes never do. Routes not listed (the admin API, the OpenAPI
/// document of the app) are not reachable through the gateway.</summary>
public static class GatewayOpenApi
{
    public const string SecurityScheme = "destinationkit_jwt";

    /// <summary>The document's file name in the API config.</summary>
    public const string DocumentPath = "openapi.json";

    /// <summary>Seconds the gateway waits for the app (its default is 15): a large request is answered only once its
    /// object is written to Cloud Storage.</summary>
    public const int BackendDeadlineSeconds = 60;

    /// <summary>The routes that carry tenant data: AEP's profile requests and audience calls, and the partner's queries.
    /// One parameter name per path position (the app names the audience differently in two routes; the gateway passes
    /// the path on as it is).</summary>
    public static IReadOnlyList<(string Method, string Path)> DataRoutes { get; } =
    [
        ("POST", "/v1/profiles"),
        ("GET", "/v1/profiles"),
        ("GET", "/v1/profiles/{namespace}/{id}"),
        ("POST", "/v1/audiences"),
        ("GET", "/v1/audiences"),
        ("GET", "/v1/audiences/{audienceId}"),
        ("PUT", "/v1/audiences/{audienceId}"),
        ("DELETE", "/v1/audiences/{audienceId}"),
        ("GET", "/v1/audiences/{audienceId}/members"),
    ];

    /// <summary>The main gateway's document: the open routes without a check, the data routes with <paramref name="jwt"/>'s
    /// (none: the app checks the API key itself).</summary>
    public static string Document(string title, string backendAddress, GatewayJwt? jwt, IEnumerable<(string Method, string Path)> openRoutes) =>
        Build(title, backendAddress, jwt, openRoutes, DataRoutes);

    /// <summary>The document of the gateway that only publishes the app's signing keys: the main gateway's config must
    /// name a JWKS URL, and a gateway's own host name exists only after its config does.</summary>
    public static string JwksOnly(string title, string backendAddress, string jwksPath) =>
        Build(title, backendAddress, null, [("GET", jwksPath)], []);

    public static string Base64(string document) => Convert.ToBase64String(Encoding.UTF8.GetBytes(document));

    private static string Build(string title, string backendAddress, GatewayJwt? jwt,
        IEnumerable<(string Method, string Path)> open, IEnumerable<(string Method, string Path)> secured)
    {
        var paths = new JsonObject();
        foreach (var (method, path, isSecured) in open.Select(r => (r.Method, r.Path, false))
                     .Concat(secured.Select(r => (r.Method, r.Path, jwt is not null))))
        {
            if (paths[path] is not JsonObject item)
            {
                item = new JsonObject();
                paths[path] = item;
            }
            item[method.ToLowerInvariant()] = Operation(method, path, isSecured);
        }

        var document = new JsonObject
        {
            ["swagger"] = "2.0",
            ["info"] = new JsonObject
            {
                ["title"] = title,
                ["description"] = "DestinationKit ingestion app behind API Gateway (generated; docs/gcp.md).",
                ["version"] = "1.0.0",
            },
            ["schemes"] = new JsonArray("https"),
            ["produces"] = new JsonArray("application/json"),
            ["x-google-backend"] = new JsonObject
            {
                ["address"] = backendAddress.TrimEnd('/'),
                ["path_translation"] = "APPEND_PATH_TO_ADDRESS",
                ["deadline"] = BackendDeadlineSeconds,
            },
        };
        if (jwt is not null)
        {
            document["securityDefinitions"] = new JsonObject
            {
                [SecurityScheme] = new JsonObject
                {
                    ["authorizationUrl"] = "",
                    ["flow"] = "implicit",
                    ["type"] = "oauth2",
                    ["x-google-issuer"] = jwt.Issuer,
                    ["x-google-jwks_uri"] = jwt.JwksUri,
                    ["x-google-audiences"] = jwt.Audience,
                },
            };
        }
        document["paths"] = paths;
        // Not embedded in HTML: a destination name's apostrophe stays readable instead of \u0027.
        return document.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    private static JsonObject Operation(string method, string path, bool secured)
    {
        var operation = new JsonObject { ["operationId"] = OperationId(method, path) };
        var parameters = path.Split('/').Where(s => s.StartsWith('{') && s.EndsWith('}')).Select(s => (JsonNode)new JsonObject
        {
            ["name"] = s[1..^1],
            ["in"] = "path",
            ["required"] = true,
            ["type"] = "string",
        }).ToArray();
        if (parameters.Length > 0) operation["parameters"] = new JsonArray(parameters);
        if (secured) operation["security"] = new JsonArray(new JsonObject { [SecurityScheme] = new JsonArray() });
        operation["responses"] = new JsonObject { ["default"] = new JsonObject { ["description"] = "Whatever the ingestion app answers (docs/app.md)." } };
        return operation;
    }

    /// <summary><c>post_v1_profiles</c>, <c>get_well_known_jwks_json</c>: unique, letters, digits and underscores.</summary>
    internal static string OperationId(string method, string path)
    {
        var words = path.Split(['/', '.', '-', '{', '}'], StringSplitOptions.RemoveEmptyEntries);
        return string.Join('_', [method.ToLowerInvariant(), .. words]);
    }
}
