using System.Security.Claims;
using System.Text.Encodings.Web;
using DestinationKit.Ingestion.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace DestinationKit.Ingestion.Auth;

/// <summary>
/// One scheme for what AEP sends: <c>Authorization: Bearer &lt;credential&gt;</c> (or the header named by
/// <see cref="AuthOptions.CredentialHeader"/>), where the credential is an API key (<c>dk_…</c>) or a JWT (three
/// dot-separated parts). Failures answer 401 with a ProblemDetails body and never 403,
/// which AEP would retry. The credential never appears in a log or a response.
/// </summary>
public sealed class BearerAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    CredentialStore credentials,
    TokenService tokens,
    FailedAuthLimiter limiter,
    IOptions<AuthOptions> auth) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "DestinationKitBearer";
    public const string TenantClaim = "dk_tenant";
    private const string FailureKey = "dk_auth_failure";
    private const string ThrottledKey = "dk_auth_retry_after";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Context.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is not null)
        {
            // Health, the token endpoint, the signing keys and the admin API (its own key) do not use the bearer: checking
            // it there would only count an admin key or a stale token against the client as a failed attempt.
            return AuthenticateResult.NoResult();
        }
        string? header = Request.Headers[auth.Value.CredentialHeader];
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Fail($"the {auth.Value.CredentialHeader} header must use the Bearer scheme");
        }
        var credential = header.AsSpan(7).Trim().ToString();
        if (credential.Length == 0)
        {
            return Fail("empty bearer credential");
        }
        if (credential.Count(c => c == '.') == 2)
        {
            // A signature cannot be guessed: tokens are always checked, even from a client past its failed attempts.
            var check = await tokens.ValidateAsync(credential, Context.RequestAborted).ConfigureAwait(false);
            return check.Valid ? Success(check.Tenant!, check.Subject ?? "token", "jwt") : Fail(check.Failure ?? "invalid token");
        }
        if (limiter.IsBlocked(Context, credential, out var retryAfter))
        {
            Context.Items[ThrottledKey] = retryAfter;
            return AuthenticateResult.Fail("too many failed attempts");
        }
        var key = credential.Length <= 128 ? credential : null;
        var result = key is null ? null : credentials.ValidateApiKey(key);
        if (result is { } r)
        {
            limiter.Succeeded(credential);
            return Success(r.Tenant, r.KeyId, "api_key");
        }
        return Fail("unknown or revoked API key");
    }

    private AuthenticateResult Fail(string reason)
    {
        limiter.Failed(Context);
        Context.Items[FailureKey] = reason;
        return AuthenticateResult.Fail(reason);
    }

    private AuthenticateResult Success(string tenant, string subject, string kind)
    {
        var identity = new ClaimsIdentity(
            [new Claim(TenantClaim, tenant), new Claim(ClaimTypes.Name, subject), new Claim("dk_credential", kind)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items.TryGetValue(ThrottledKey, out var throttled) && throttled is int seconds)
        {
            Problems.SetRetryAfter(Context, seconds);
            await Problems.WriteAsync(Context, StatusCodes.Status429TooManyRequests, "Too Many Requests",
                "Too many failed authentication attempts from this client; retry after the time in Retry-After.").ConfigureAwait(false);
            return;
        }
        var reason = Context.Items.TryGetValue(FailureKey, out var r) ? r as string : null;
        Response.Headers.WWWAuthenticate = reason is null ? "Bearer" : "Bearer error=\"invalid_token\"";
        await Problems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Unauthorized",
            reason is null ? $"Send {auth.Value.CredentialHeader}: Bearer <API key or access token>." : $"The credential was rejected: {reason}.").ConfigureAwait(false);
    }

    /// <summary>No endpoint forbids an authenticated caller; if one ever did, answer 401 (AEP retries 403).</summary>
    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Unauthorized", "The credential does not grant this operation.");
}

public static class TenantExtensions
{
    public static string Tenant(this ClaimsPrincipal user) =>
        user.FindFirst(BearerAuthenticationHandler.TenantClaim)?.Value ?? throw new InvalidOperationException("No tenant on an authenticated request.");
}
