using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DestinationKit.Ingestion.Auth;

/// <summary>The outcome of checking a bearer JWT.</summary>
public sealed record TokenCheck(bool Valid, string? Tenant, string? Subject, string? Failure);

/// <summary>
/// Issues RS256 access tokens for OAuth clients and validates bearer JWTs: this app's own (issuer, audience,
/// lifetime, RS256 only, its own keys) and, when configured, an external issuer's (keys from its JWKS; the tenant from
/// a claim, or with Amazon Cognito from the provisioned client the token was issued to).
/// </summary>
public sealed partial class TokenService : IDisposable
{
    private readonly AuthOptions _options;
    private readonly CredentialStore _credentials;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly Lazy<(RsaSecurityKey Active, IReadOnlyList<RsaSecurityKey> All)> _keys;
    private readonly IHttpClientFactory _httpClients;
    private readonly ILogger<TokenService> _logger;
    private readonly SemaphoreSlim _jwksLock = new(1, 1);
    private IReadOnlyList<SecurityKey> _externalKeys = [];
    private DateTime _externalKeysLoadedAt = DateTime.MinValue;
    private readonly List<RSA> _rsas = [];

    public TokenService(CredentialStore credentials, IOptions<AuthOptions> options, IHttpClientFactory httpClients, ILogger<TokenService> logger)
    {
        _options = options.Value;
        _options.External.Validate();
        _credentials = credentials;
        _httpClients = httpClients;
        _logger = logger;
        _keys = new(() =>
        {
            var all = new List<RsaSecurityKey>();
            foreach (var (kid, pkcs8) in credentials.GetOrCreateSigningKeys())
            {
                var rsa = RSA.Create();
                rsa.ImportPkcs8PrivateKey(pkcs8, out _);
                _rsas.Add(rsa);
                all.Add(new RsaSecurityKey(rsa) { KeyId = kid });
            }
            return (all[0], all);
        });
    }

    public int LifetimeSeconds => _options.TokenLifetimeSeconds;

    /// <summary>Signing key of issued tokens (tests mint tokens with it).</summary>
    internal RsaSecurityKey ActiveKey => _keys.Value.Active;

    public string Issue(string tenant, string clientId)
    {
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddSeconds(_options.TokenLifetimeSeconds),
            Claims = new Dictionary<string, object>
            {
                [_options.TenantClaim] = tenant,
                ["sub"] = clientId,
                ["client_id"] = clientId,
                ["jti"] = Guid.NewGuid().ToString("N"),
            },
            SigningCredentials = new SigningCredentials(_keys.Value.Active, SecurityAlgorithms.RsaSha256),
        };
        return _handler.CreateToken(descriptor);
    }

    /// <summary>The JWKS document: the public halves of the signing keys.</summary>
    public object Jwks()
    {
        var keys = _keys.Value.All.Select(k =>
        {
            var p = k.Rsa.ExportParameters(false);
            return new Dictionary<string, string>
            {
                ["kty"] = "RSA",
                ["use"] = "sig",
                ["alg"] = "RS256",
                ["kid"] = k.KeyId,
                ["n"] = Base64UrlEncoder.Encode(p.Modulus),
                ["e"] = Base64UrlEncoder.Encode(p.Exponent),
            };
        }).ToList();
        return new { keys };
    }

    public string Issuer => _options.Issuer;

    public async Task<TokenCheck> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        string? issuer;
        try
        {
            issuer = new JsonWebToken(token).Issuer;
        }
        catch (ArgumentException)
        {
            return new TokenCheck(false, null, null, "malformed token");
        }
        var external = _options.External;
        if (external.Enabled && string.Equals(issuer, external.Issuer, StringComparison.Ordinal))
        {
            // Cognito's access tokens have no aud: the client they were issued to, which must be a known one, stands for it.
            var audience = external.IsCognito ? null : external.Audience ?? _options.Audience;
            Func<IDictionary<string, object>, TokenCheck> identify = external.IsCognito ? CognitoClient : claims => TenantClaim(claims, external.TenantClaim);
            var keys = await ExternalKeysAsync(forceRefresh: false, cancellationToken).ConfigureAwait(false);
            var check = await ValidateWithAsync(token, external.Issuer!, audience, keys, external.Algorithms, identify).ConfigureAwait(false);
            if (!check.Valid && check.Failure == "unknown signing key")
            {
                keys = await ExternalKeysAsync(forceRefresh: true, cancellationToken).ConfigureAwait(false);
                check = await ValidateWithAsync(token, external.Issuer!, audience, keys, external.Algorithms, identify).ConfigureAwait(false);
            }
            return check;
        }
        return await ValidateWithAsync(token, _options.Issuer, _options.Audience, _keys.Value.All, [SecurityAlgorithms.RsaSha256],
            claims => TenantClaim(claims, _options.TenantClaim)).ConfigureAwait(false);
    }

    /// <summary>Checks signature, issuer, audience (unless null), lifetime and algorithm, then who the token names.</summary>
    private async Task<TokenCheck> ValidateWithAsync(string token, string issuer, string? audience, IEnumerable<SecurityKey> keys, string[] algorithms,
        Func<IDictionary<string, object>, TokenCheck> identify)
    {
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidAudience = audience,
            IssuerSigningKeys = keys,
            ValidAlgorithms = algorithms,
            ValidateIssuer = true,
            ValidateAudience = audience is not null,
            ValidateLifetime = true,
            ValidateIssuerSigningKey = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = TimeSpan.FromSeconds(_options.ClockSkewSeconds),
            TryAllIssuerSigningKeys = true, // tokens without a kid (some issuers omit it) are tried against every key of that issuer
        };
        var result = await _handler.ValidateTokenAsync(token, parameters).ConfigureAwait(false);
        return result.IsValid ? identify(result.Claims) : new TokenCheck(false, null, null, Describe(result.Exception));
    }

    private static TokenCheck TenantClaim(IDictionary<string, object> claims, string tenantClaim)
    {
        var tenant = claims.TryGetValue(tenantClaim, out var t) ? t as string : null;
        if (!CredentialStore.IsValidTenant(tenant))
        {
            return new TokenCheck(false, null, null, "no valid tenant claim");
        }
        var subject = claims.TryGetValue("sub", out var s) ? s as string : null;
        return new TokenCheck(true, tenant, subject, null);
    }

    /// <summary>A Cognito access token (not an ID token, which is meant for the client itself) of an app client the
    /// provisioned credentials list without a secret: the tenant is that client's. A tenant claim is not read.</summary>
    private TokenCheck CognitoClient(IDictionary<string, object> claims)
    {
        if (!claims.TryGetValue("token_use", out var use) || use as string != "access")
        {
            return new TokenCheck(false, null, null, "not an access token");
        }
        var clientId = claims.TryGetValue("client_id", out var c) ? c as string : null;
        var tenant = clientId is null ? null : _credentials.TenantOfExternalClient(clientId);
        return tenant is null ? new TokenCheck(false, null, null, "the token's client is not a client of any tenant") : new TokenCheck(true, tenant, clientId, null);
    }

    /// <summary>A short reason safe to show: never the token or the library's message (which may quote it).</summary>
    private static string Describe(Exception? ex) => ex switch
    {
        SecurityTokenExpiredException => "token expired",
        SecurityTokenNotYetValidException => "token not yet valid",
        SecurityTokenInvalidIssuerException => "wrong issuer",
        SecurityTokenInvalidAudienceException => "wrong audience",
        SecurityTokenInvalidAlgorithmException => "algorithm not allowed",
        SecurityTokenSignatureKeyNotFoundException => "unknown signing key",
        SecurityTokenInvalidSignatureException => "invalid signature",
        SecurityTokenNoExpirationException => "token has no expiry",
        SecurityTokenMalformedException => "malformed token",
        _ => "invalid token",
    };

    private async Task<IReadOnlyList<SecurityKey>> ExternalKeysAsync(bool forceRefresh, CancellationToken cancellationToken)
    {
        var external = _options.External;
        var age = DateTime.UtcNow - _externalKeysLoadedAt;
        if (!forceRefresh && age < TimeSpan.FromMinutes(external.JwksRefreshMinutes))
        {
            return _externalKeys;
        }
        if (forceRefresh && age < TimeSpan.FromSeconds(30))
        {
            return _externalKeys; // a token with an unknown kid must not make us hammer the issuer
        }
        await _jwksLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var client = _httpClients.CreateClient("jwks");
            var json = await client.GetStringAsync(new Uri(external.JwksUrl!), cancellationToken).ConfigureAwait(false);
            _externalKeys = new JsonWebKeySet(json).GetSigningKeys().ToList();
            _externalKeysLoadedAt = DateTime.UtcNow;
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or ArgumentException or TaskCanceledException)
        {
            LogJwksFailed(_logger, ex, external.JwksUrl!);
        }
        finally
        {
            _jwksLock.Release();
        }
        return _externalKeys;
    }

    public void Dispose()
    {
        _jwksLock.Dispose();
        foreach (var rsa in _rsas)
        {
            rsa.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not load the external issuer's JWKS from {JwksUrl}")]
    private static partial void LogJwksFailed(ILogger logger, Exception exception, string jwksUrl);
}
