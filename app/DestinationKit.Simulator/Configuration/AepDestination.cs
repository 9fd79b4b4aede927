using System.Globalization;
using System.Text.Json.Nodes;

namespace DestinationKit.Simulator.Configuration;

public enum AggregationKind
{
    BestEffort,
    Configurable,
}

/// <summary>The aggregation policy of the destination configuration (shared/AEP.md §1.4).</summary>
public sealed record AggregationSettings
{
    public AggregationKind Kind { get; init; } = AggregationKind.BestEffort;

    /// <summary>Best effort: most profiles in one request (AEP may send fewer).</summary>
    public int MaxUsersPerRequest { get; init; } = 1;

    public bool SplitUserById { get; init; }

    /// <summary>Configurable: a group is flushed at this many profiles...</summary>
    public int MaxNumEventsInBatch { get; init; } = 1000;

    /// <summary>... or when its oldest profile is this old, whichever comes first.</summary>
    public int MaxBatchAgeInSecs { get; init; } = 1800;

    public AggregationKeySettings? Key { get; init; }

    /// <summary>AEP hands the template <c>input.profile</c> only under best effort with one user a request.</summary>
    public bool SingleProfile => Kind == AggregationKind.BestEffort && MaxUsersPerRequest == 1;

    public static AggregationSettings FromJson(JsonObject? aggregation)
    {
        if (aggregation is null) return new AggregationSettings();
        if ((string?)aggregation["aggregationType"] == "CONFIGURABLE_AGGREGATION")
        {
            var c = aggregation["configurableAggregation"] as JsonObject ?? [];
            return new AggregationSettings
            {
                Kind = AggregationKind.Configurable,
                SplitUserById = Bool(c["splitUserById"]),
                MaxNumEventsInBatch = Int(c["maxNumEventsInBatch"], 1000),
                MaxBatchAgeInSecs = Int(c["maxBatchAgeInSecs"], 1800),
                Key = AggregationKeySettings.FromJson(c["aggregationKey"] as JsonObject),
            };
        }
        var b = aggregation["bestEffortAggregation"] as JsonObject ?? [];
        return new AggregationSettings
        {
            Kind = AggregationKind.BestEffort,
            MaxUsersPerRequest = Int(b["maxUsersPerRequest"], 1),
            SplitUserById = Bool(b["splitUserById"]),
            Key = AggregationKeySettings.FromJson(b["aggregationKey"] as JsonObject),
        };
    }

    internal static bool Bool(JsonNode? node) => node is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    internal static int Int(JsonNode? node, int fallback) => node is JsonValue v
        ? v.TryGetValue<int>(out var i) ? i
        : v.TryGetValue<string>(out var s) && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) ? p : fallback
        : fallback;
}

/// <summary>What requests are grouped by (shared/AEP.md §1.4, <c>aggregationKey</c>).</summary>
public sealed record AggregationKeySettings(
    bool IncludeSegmentId,
    bool IncludeSegmentStatus,
    bool IncludeIdentity,
    bool OneIdentityPerGroup,
    IReadOnlyList<IReadOnlyList<string>> Groups)
{
    public static AggregationKeySettings? FromJson(JsonObject? key) => key is null
        ? null
        : new AggregationKeySettings(
            AggregationSettings.Bool(key["includeSegmentId"]),
            AggregationSettings.Bool(key["includeSegmentStatus"]),
            AggregationSettings.Bool(key["includeIdentity"]),
            AggregationSettings.Bool(key["oneIdentityPerGroup"]),
            key["groups"] is JsonArray groups
                ? [.. groups.Select(g => (IReadOnlyList<string>)[.. ((g as JsonObject)?["namespaces"] as JsonArray ?? []).Select(n => (string)n!)])]
                : []);
}

public enum StreamingAuthType
{
    None,
    Bearer,
    OAuth2ClientCredentials,
}

/// <summary>The customer authentication AEP performs against the destination (shared/AEP.md §2).</summary>
public sealed record AuthSettings
{
    public StreamingAuthType Type { get; init; }

    public string? AccessTokenUrl { get; init; }

    /// <summary>The client id as configured: a literal or a macro such as <c>{{authData.clientId}}</c>.</summary>
    public string? ClientId { get; init; }

    public string? ClientSecret { get; init; }

    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary><c>options.useBasicAuth</c>: client credentials as HTTP Basic on the token call, else in the form body.</summary>
    public bool UseBasicAuth { get; init; }
}

/// <summary>The parts of a destination's AEP configuration (the <c>aepConfiguration</c> stack output) that decide
/// what AEP sends: the server's URL and request template, the aggregation policy, the authentication, the identity
/// namespaces and profile fields, and the audience template.</summary>
public sealed record AepDestination
{
    public required string Name { get; init; }

    /// <summary><c>URL_BASED</c> for streaming, <c>FILE_BASED_*</c> for batch.</summary>
    public required string ServerType { get; init; }

    public bool IsStreaming => ServerType == "URL_BASED";

    /// <summary>The endpoint URL; with <see cref="UrlIsTemplate"/> a Pebble template over customerData and input.aggregationKey.</summary>
    public string? Url { get; init; }

    public bool UrlIsTemplate { get; init; }

    public string HttpMethod { get; init; } = "POST";

    public string ContentType { get; init; } = "application/json";

    public string? RequestTemplate { get; init; }

    public AggregationSettings Aggregation { get; init; } = new();

    public AuthSettings Auth { get; init; } = new();

    public IReadOnlyList<string> IdentityNamespaces { get; init; } = [];

    public IReadOnlyList<string> ProfileFields { get; init; } = [];

    /// <summary>The audience template's <c>metadataTemplate</c>, when AEP syncs audiences through our API.</summary>
    public JsonObject? AudienceTemplate { get; init; }

    /// <summary><c>segmentMappingConfig.mapExperiencePlatformSegmentId</c>: AEP's ids are used as they are.</summary>
    public bool MapsAepSegmentIds { get; init; }

    public JsonObject Document { get; init; } = [];

    /// <summary>Reads the document <c>{destinationServer, audienceTemplate?, destinationConfiguration}</c>.</summary>
    public static AepDestination FromJson(JsonObject document)
    {
        var server = document["destinationServer"] as JsonObject
            ?? throw new InvalidDataException("the AEP configuration has no destinationServer object");
        var config = document["destinationConfiguration"] as JsonObject
            ?? throw new InvalidDataException("the AEP configuration has no destinationConfiguration object");
        var url = server["urlBasedDestination"]?["url"] as JsonObject;
        var http = server["httpTemplate"] as JsonObject;
        return new AepDestination
        {
            Name = (string?)config["name"] ?? "destination",
            ServerType = (string?)server["destinationServerType"] ?? throw new InvalidDataException("destinationServer.destinationServerType is missing"),
            Url = (string?)url?["value"],
            UrlIsTemplate = (string?)url?["templatingStrategy"] == "PEBBLE_V1",
            HttpMethod = (string?)http?["httpMethod"] ?? "POST",
            ContentType = (string?)http?["contentType"] ?? "application/json",
            RequestTemplate = (string?)http?["requestBody"]?["value"],
            Aggregation = AggregationSettings.FromJson(config["aggregation"] as JsonObject),
            // File-based destinations authenticate to storage (S3, AZURE_CONNECTION_STRING, ...), read by the batch simulation.
            Auth = (string?)server["destinationServerType"] == "URL_BASED" ? ReadAuth(config["customerAuthenticationConfigurations"] as JsonArray) : new AuthSettings(),
            IdentityNamespaces = config["identityNamespaces"] is JsonObject ns ? [.. ns.Select(p => p.Key)] : [],
            ProfileFields = config["schemaConfig"]?["profileFields"] is JsonArray fields
                ? [.. fields.Select(f => (string?)f?["name"]).OfType<string>()]
                : [],
            AudienceTemplate = document["audienceTemplate"]?["metadataTemplate"] as JsonObject,
            MapsAepSegmentIds = AggregationSettings.Bool(config["segmentMappingConfig"]?["mapExperiencePlatformSegmentId"]),
            Document = document,
        };
    }

    private static AuthSettings ReadAuth(JsonArray? configurations)
    {
        var first = configurations?.OfType<JsonObject>().FirstOrDefault();
        return (string?)first?["authType"] switch
        {
            null => new AuthSettings { Type = StreamingAuthType.None },
            "BEARER" => new AuthSettings { Type = StreamingAuthType.Bearer },
            "OAUTH2" when (string?)first["grant"] is null or "OAUTH2_CLIENT_CREDENTIALS" => new AuthSettings
            {
                Type = StreamingAuthType.OAuth2ClientCredentials,
                AccessTokenUrl = (string?)first["accessTokenUrl"],
                ClientId = (string?)first["clientId"],
                ClientSecret = (string?)first["clientSecret"],
                Scopes = first["scope"] is JsonArray scopes ? [.. scopes.Select(s => (string)s!)] : [],
                UseBasicAuth = AggregationSettings.Bool(first["options"]?["useBasicAuth"]),
            },
            var other => throw new NotSupportedException(
                $"authType {other}{(first["grant"] is { } g ? " with grant " + g : "")} is not simulated (BEARER and OAUTH2 client credentials are)"),
        };
    }
}
