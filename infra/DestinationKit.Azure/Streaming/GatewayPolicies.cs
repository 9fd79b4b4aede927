using System.Globalization;
using System.Xml.Linq;
using DestinationKit.Model.Spec;

namespace DestinationKit.Azure.Streaming;

/// <summary>How the gateway checks the caller on data operations before the request reaches the app.</summary>
public abstract record GatewayAuthCheck
{
    /// <summary>API keys: the gateway requires an <c>Authorization: Bearer</c> credential; the app checks the key
    /// itself (it alone holds the keys, hashed) before anything is read or stored.</summary>
    public sealed record BearerPresent : GatewayAuthCheck;

    /// <summary>OAuth 2.0: <c>validate-jwt</c> against the issuer's OpenID configuration (signature, expiry, issuer, audience).</summary>
    public sealed record Jwt(string OpenIdConfigUrl, string Issuer, string Audience) : GatewayAuthCheck;
}

/// <summary>The API Management policy documents of the streaming API (docs/azure.md, "Streaming").</summary>
public static class GatewayPolicies
{
    /// <summary>The named value holding the secret the gateway sends to the app (see the app's <c>Gateway</c> settings).</summary>
    public const string OriginSecretNamedValue = "gateway-origin-secret";

    /// <summary>The header the app reads the gateway's secret from (the app's <c>Gateway:HeaderName</c> default).</summary>
    public const string OriginSecretHeader = "X-DestinationKit-Gateway";

    /// <summary>Every operation of the API: the rate limit (429 with Retry-After above it) and the secret header that
    /// lets the request into the app. A client's own value of that header is overwritten.</summary>
    public static string Api(RateLimit limit)
    {
        ArgumentNullException.ThrowIfNull(limit);
        return Document(
            new XElement("rate-limit",
                new XAttribute("calls", limit.Calls.ToString(CultureInfo.InvariantCulture)),
                new XAttribute("renewal-period", limit.RenewalPeriodSeconds.ToString(CultureInfo.InvariantCulture))),
            new XElement("set-header", new XAttribute("name", OriginSecretHeader), new XAttribute("exists-action", "override"),
                new XElement("value", "{{" + OriginSecretNamedValue + "}}")));
    }

    /// <summary>A data operation: the caller check, after the API's policies (<c>base</c>).</summary>
    public static string DataOperation(GatewayAuthCheck check) => Document(check switch
    {
        GatewayAuthCheck.Jwt jwt => ValidateJwt(jwt),
        GatewayAuthCheck.BearerPresent => RequireBearer(),
        _ => throw new ArgumentOutOfRangeException(nameof(check), check, "unknown gateway auth check"),
    });

    /// <summary>What the gateway checks for the spec's auth mode; <paramref name="gatewayBaseUrl"/> is the gateway's
    /// public base URL without trailing slash, which is also the issuer of the app's tokens.</summary>
    public static GatewayAuthCheck CheckFor(StreamingSettings streaming, string gatewayBaseUrl)
    {
        ArgumentNullException.ThrowIfNull(streaming);
        if (streaming.Auth == StreamingAuth.ApiKey) return new GatewayAuthCheck.BearerPresent();
        var oauth = streaming.OAuth2!;
        if (oauth.External is { } external)
        {
            var issuer = external.IssuerUrl.OriginalString;
            return new GatewayAuthCheck.Jwt($"{issuer.TrimEnd('/')}/.well-known/openid-configuration", issuer, external.Audience);
        }
        // The app issues the tokens; its discovery document is served through the gateway (an open operation).
        return new GatewayAuthCheck.Jwt($"{gatewayBaseUrl}/.well-known/openid-configuration", gatewayBaseUrl, DestinationKit.Streaming.AppEnvironment.Audience);
    }

    private static XElement ValidateJwt(GatewayAuthCheck.Jwt jwt) =>
        new("validate-jwt",
            new XAttribute("header-name", "Authorization"),
            new XAttribute("require-scheme", "Bearer"),
            new XAttribute("failed-validation-httpcode", "401"),
            new XAttribute("failed-validation-error-message", "Unauthorized: a valid bearer token is required."),
            new XAttribute("require-expiration-time", "true"),
            new XAttribute("require-signed-tokens", "true"),
            new XElement("openid-config", new XAttribute("url", jwt.OpenIdConfigUrl)),
            new XElement("audiences", new XElement("audience", jwt.Audience)),
            new XElement("issuers", new XElement("issuer", jwt.Issuer)));

    /// <summary>401 without an <c>Authorization: Bearer …</c> header, as the app would answer.</summary>
    private static XElement RequireBearer() =>
        new("choose",
            new XElement("when",
                new XAttribute("condition", "@(!context.Request.Headers.GetValueOrDefault(\"Authorization\", \"\").StartsWith(\"Bearer \", StringComparison.OrdinalIgnoreCase))"),
                new XElement("return-response",
                    new XElement("set-status", new XAttribute("code", "401"), new XAttribute("reason", "Unauthorized")),
                    new XElement("set-header", new XAttribute("name", "WWW-Authenticate"), new XAttribute("exists-action", "override"),
                        new XElement("value", "Bearer")))));

    private static string Document(params XElement[] inbound) =>
        new XElement("policies",
            new XElement("inbound", new XElement("base"), inbound),
            new XElement("backend", new XElement("base")),
            new XElement("outbound", new XElement("base")),
            new XElement("on-error", new XElement("base"))).ToString();
}
