using System.Collections.Immutable;
using System.Text.RegularExpressions;
using DestinationKit.Model.Spec;
using DestinationKit.Streaming;

namespace DestinationKit.Azure.Streaming;

/// <summary>One operation of the streaming API in API Management: a route of the app. Data operations carry the
/// caller check; open ones (token, discovery, health) only the API's rate limit and origin header.</summary>
public sealed partial record GatewayOperation(string Method, string UrlTemplate, bool IsData)
{
    /// <summary>The API Management operation id: method and route in lowercase letters, digits and hyphens.</summary>
    public string OperationId => $"{Method}{NonAlphanumeric().Replace(UrlTemplate, "-").TrimEnd('-')}".ToLowerInvariant();

    /// <summary>The <c>{name}</c> segments, which API Management requires as template parameters.</summary>
    public ImmutableArray<string> TemplateParameters => [.. Parameter().Matches(UrlTemplate).Select(m => m.Groups[1].Value)];

    [GeneratedRegex("[^A-Za-z0-9]+")]
    private static partial Regex NonAlphanumeric();

    [GeneratedRegex(@"\{([A-Za-z0-9_]+)\}")]
    private static partial Regex Parameter();
}

public static class GatewayOperations
{
    /// <summary>The app's data routes (docs/app.md): ingestion, the audience API and the queries. Its admin routes are
    /// not exposed: the gateway answers 404 for any route not listed.</summary>
    public static ImmutableArray<GatewayOperation> Data { get; } =
    [
        new("POST", "/v1/profiles", true),
        new("GET", "/v1/profiles", true),
        new("GET", "/v1/profiles/{namespace}/{id}", true),
        new("POST", "/v1/audiences", true),
        new("GET", "/v1/audiences", true),
        new("GET", "/v1/audiences/{externalAudienceId}", true),
        new("PUT", "/v1/audiences/{externalAudienceId}", true),
        new("DELETE", "/v1/audiences/{externalAudienceId}", true),
        new("GET", "/v1/audiences/{audienceId}/members", true),
    ];

    /// <summary>Every operation for the spec's auth mode: the data routes, health, and the token and discovery routes
    /// when the app issues the tokens.</summary>
    public static ImmutableArray<GatewayOperation> For(StreamingSettings streaming)
    {
        ArgumentNullException.ThrowIfNull(streaming);
        var appIssues = streaming.Auth == StreamingAuth.OAuth2 && streaming.OAuth2?.Issuer == TokenIssuer.App;
        var open = AppEnvironment.UnauthenticatedRoutes
            .Where(r => appIssues || r.Path.StartsWith("/health/", StringComparison.Ordinal))
            .Select(r => new GatewayOperation(r.Method, r.Path, false));
        return [.. Data, .. open];
    }
}
