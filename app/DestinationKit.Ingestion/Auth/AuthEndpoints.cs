using System.Security.Cryptography;
using System.Text;
using DestinationKit.Ingestion.Infrastructure;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace DestinationKit.Ingestion.Auth;

/// <summary>RFC 6749 §5.1 token response.</summary>
public sealed record TokenResponse(
    [property: System.Text.Json.Serialization.JsonPropertyName("access_token")] string AccessToken,
    [property: System.Text.Json.Serialization.JsonPropertyName("token_type")] string TokenType,
    [property: System.Text.Json.Serialization.JsonPropertyName("expires_in")] int ExpiresIn);

public sealed record CreatedCredentialResponse(string Id, string Tenant, string Secret, string Note);

/// <summary>The OAuth 2.0 token endpoint, the published signing keys, and the admin API for keys and clients.</summary>
public static class AuthEndpoints
{
    public static IEndpointRouteBuilder MapAuth(this IEndpointRouteBuilder routes)
    {
        var auth = routes.ServiceProvider.GetRequiredService<IOptions<AuthOptions>>().Value;
        if (auth.EnableTokenEndpoint)
        {
            routes.MapPost("/oauth2/token", TokenAsync).AllowAnonymous().DisableAntiforgery().WithTags("Auth").WithName("Token")
                .WithSummary("OAuth 2.0 client credentials: client secret in the form body or HTTP Basic.")
                .ProducesProblem(400).ProducesProblem(401).ProducesProblem(415);
        }
        routes.MapGet("/.well-known/jwks.json", (TokenService tokens) => TypedResults.Ok(tokens.Jwks()))
            .AllowAnonymous().WithTags("Auth").WithName("Jwks");
        routes.MapGet("/.well-known/openid-configuration", OpenIdConfiguration).AllowAnonymous().WithTags("Auth").WithName("OpenIdConfiguration");

        var admin = routes.MapGroup("/admin/tenants/{tenant}").WithTags("Admin").AllowAnonymous().AddEndpointFilter(RequireAdminKey);
        admin.MapPost("/keys", (string tenant, string? label, CredentialStore store) => Created(store.CreateApiKey(tenant, label), "API key"));
        admin.MapGet("/keys", (string tenant, CredentialStore store) => TypedResults.Ok(store.ListApiKeys(tenant)));
        admin.MapDelete("/keys/{keyId}", (string tenant, string keyId, CredentialStore store) =>
            store.RevokeApiKey(tenant, keyId) ? Results.NoContent() : Problems.Result(404, "Not Found", "No such key for this tenant."));
        admin.MapPost("/clients", (string tenant, string? label, CredentialStore store) => Created(store.CreateClient(tenant, label), "client secret"));
        admin.MapGet("/clients", (string tenant, CredentialStore store) => TypedResults.Ok(store.ListClients(tenant)));
        admin.MapDelete("/clients/{clientId}", (string tenant, string clientId, CredentialStore store) =>
            store.RevokeClient(tenant, clientId) ? Results.NoContent() : Problems.Result(404, "Not Found", "No such client for this tenant."));
        return routes;
    }

    private static Created<CreatedCredentialResponse> Created(CreatedSecret s, string what) =>
        TypedResults.Created((string?)null, new CreatedCredentialResponse(s.Id, s.Tenant, s.Secret, $"The {what} is shown only now; it is stored hashed."));

    private static async ValueTask<object?> RequireAdminKey(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var configured = http.RequestServices.GetRequiredService<IOptions<AdminOptions>>().Value.ApiKey;
        string? header = http.Request.Headers.Authorization;
        var presented = header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
        var limiter = http.RequestServices.GetRequiredService<FailedAuthLimiter>();
        var valid = false;
        if (!string.IsNullOrEmpty(configured) && presented is not null)
        {
            if (limiter.IsBlocked(http, presented, out var retryAfter))
            {
                Problems.SetRetryAfter(http, retryAfter);
                return Problems.Result(429, "Too Many Requests", "Too many failed authentication attempts from this client; retry after the time in Retry-After.");
            }
            valid = CryptographicOperations.FixedTimeEquals(CredentialStore.Hash(presented), CredentialStore.Hash(configured));
            if (valid)
            {
                limiter.Succeeded(presented);
            }
            else
            {
                limiter.Failed(http);
            }
        }
        if (!valid)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Problems.Result(401, "Unauthorized", string.IsNullOrEmpty(configured)
                ? "The admin API is off: set Admin:ApiKey, or use the CLI (dotnet run -- keys create --tenant <id>)."
                : "Send Authorization: Bearer <admin key>.");
        }
        var tenant = http.GetRouteValue("tenant") as string;
        if (!CredentialStore.IsValidTenant(tenant))
        {
            return RequestBody.Validation("$route.tenant", "pattern", "A tenant id is 1-64 characters of a-z, 0-9, '-' and '_', starting with a letter or digit.");
        }
        return await next(context).ConfigureAwait(false);
    }

    /// <summary>A token request is a few short fields: a larger body is refused (413) before it is read.</summary>
    private const long TokenRequestMaxBytes = 64 * 1024;

    internal static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> TokenAsync(
        HttpContext context, CredentialStore credentials, TokenService tokens, FailedAuthLimiter limiter, IOptions<AuthOptions> auth,
        CancellationToken cancellationToken)
    {
        context.Response.Headers.CacheControl = "no-store";
        // RFC 6749 §4.4.2: the form encoding only (multipart/form-data is not a token request).
        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var mediaType)
            || !string.Equals(mediaType.MediaType.Value, "application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            return TokenError(415, "invalid_request", "Send Content-Type: application/x-www-form-urlencoded.");
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = TokenRequestMaxBytes;
        }
        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            // The form reader's limits (fields, key and value lengths); its message names the limit, never the content.
            return TokenError(400, "invalid_request", "The form cannot be read: " + ex.Message);
        }
        var grant = form["grant_type"].ToString();
        string? clientId = form["client_id"];
        string? secret = form["client_secret"];
        string? header = context.Request.Headers[auth.Value.CredentialHeader];
        if (header is not null && header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            if (!string.IsNullOrEmpty(secret))
            {
                return TokenError(400, "invalid_request", "Use one client authentication method, not both Basic and client_secret.");
            }
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                if (colon < 0)
                {
                    limiter.Failed(context);
                    return TokenError(401, "invalid_client", "Malformed Basic credentials.");
                }
                clientId = Uri.UnescapeDataString(decoded[..colon].Replace('+', ' '));
                secret = Uri.UnescapeDataString(decoded[(colon + 1)..].Replace('+', ' '));
            }
            catch (FormatException)
            {
                limiter.Failed(context);
                return TokenError(401, "invalid_client", "Malformed Basic credentials.");
            }
        }
        if (string.IsNullOrEmpty(grant))
        {
            return TokenError(400, "invalid_request", "grant_type is required.");
        }
        if (!string.Equals(grant, "client_credentials", StringComparison.Ordinal))
        {
            return TokenError(400, "unsupported_grant_type", "Only grant_type=client_credentials is supported.");
        }
        if (string.IsNullOrEmpty(clientId) || string.IsNullOrEmpty(secret))
        {
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"oauth2\"";
            return TokenError(401, "invalid_client", "Client authentication is required (form body or HTTP Basic).");
        }
        var presented = clientId + ":" + secret;
        if (limiter.IsBlocked(context, presented, out var retryAfter))
        {
            Problems.SetRetryAfter(context, retryAfter);
            return TokenError(429, "temporarily_unavailable", "Too many failed attempts from this client; retry after the time in Retry-After.");
        }
        var tenant = credentials.ValidateClient(clientId, secret);
        if (tenant is null)
        {
            limiter.Failed(context);
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"oauth2\"";
            return TokenError(401, "invalid_client", "Unknown client or wrong secret.");
        }
        limiter.Succeeded(presented);
        return TypedResults.Ok(new TokenResponse(tokens.Issue(tenant, clientId), "Bearer", tokens.LifetimeSeconds));
    }

    private static ProblemHttpResult TokenError(int status, string error, string description) =>
        Problems.Result(status, status switch { 401 => "Unauthorized", 415 => "Unsupported Media Type", 429 => "Too Many Requests", _ => "Bad Request" }, description,
            new Dictionary<string, object?> { ["error"] = error, ["error_description"] = description });

    private static IResult OpenIdConfiguration(HttpContext context, TokenService tokens, IOptions<AuthOptions> options)
    {
        var baseUrl = (options.Value.PublicBaseUrl ?? $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}").TrimEnd('/');
        return TypedResults.Ok(new Dictionary<string, object>
        {
            ["issuer"] = tokens.Issuer,
            ["jwks_uri"] = baseUrl + "/.well-known/jwks.json",
            ["token_endpoint"] = baseUrl + "/oauth2/token",
            ["grant_types_supported"] = new[] { "client_credentials" },
            ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_basic", "client_secret_post" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            ["response_types_supported"] = new[] { "token" },
            ["subject_types_supported"] = new[] { "public" },
        });
    }
}
