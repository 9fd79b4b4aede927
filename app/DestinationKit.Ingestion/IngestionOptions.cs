namespace DestinationKit.Ingestion;

/// <summary>Settings of section <c>Ingestion</c> (appsettings.json or <c>Ingestion__*</c> environment variables).</summary>
public sealed class IngestionOptions
{
    public const string Section = "Ingestion";

    /// <summary>Folder of the SQLite files; relative paths are resolved against the content root.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// Where accepted requests are made durable: <c>sqlite</c> (the local disk), <c>s3</c>, <c>blob</c> or <c>gcs</c>
    /// (the bucket, with the queryable state as a local projection; docs/app.md, "Sinks"), set up in the section of that name.
    /// </summary>
    public string Sink { get; set; } = "sqlite";

    public Storage.Cloud.S3SinkOptions S3 { get; set; } = new();

    public Storage.Cloud.BlobSinkOptions Blob { get; set; } = new();

    public Storage.Cloud.GcsSinkOptions Gcs { get; set; } = new();

    /// <summary>Largest accepted request body of <c>POST /v1/profiles</c>; larger bodies answer 413.</summary>
    public long MaxRequestBodyBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>Most profiles in one request (the contract allows 10,000).</summary>
    public int MaxProfilesPerRequest { get; set; } = 10_000;

    /// <summary>
    /// Most rows of queryable state one request may derive: each identity of a profile gets all of the profile's
    /// memberships and attributes, so a profile writes ids × (memberships + attributes) rows. Bounds the state builder's
    /// work per request, which a small body could otherwise multiply (1,000 ids × 1,000 attributes in 20 KB).
    /// </summary>
    public long MaxStateRowsPerRequest { get; set; } = 5_000_000;

    /// <summary>Bytes of <c>POST /v1/profiles</c> bodies held in memory at once (a body of unknown length counts as <see cref="MaxRequestBodyBytes"/>); beyond it 429 with Retry-After.</summary>
    public long MaxBufferedBodyBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Requests of <c>POST /v1/profiles</c> processed at once; more answer 429 with Retry-After.</summary>
    public int MaxConcurrentRequests { get; set; } = 256;

    /// <summary>Requests allowed to wait for a slot before 429 is answered.</summary>
    public int MaxQueuedRequests { get; set; }

    /// <summary>Acknowledged requests not yet applied to the queryable state; beyond it writes answer 429 (bounded lag).</summary>
    public int MaxPendingRequests { get; set; } = 50_000;

    /// <summary>Seconds sent in Retry-After on 429 and 503.</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>Most requests in one group commit.</summary>
    public int GroupCommitMaxRequests { get; set; } = 2048;

    /// <summary>Most logged requests applied to the queryable state in one transaction.</summary>
    public int ApplyBatchMaxRequests { get; set; } = 200;

    /// <summary>Linux nice value of the state builder's thread (0: as the rest; 1-19: it yields the CPU to acknowledgements, so under overload the lag grows until MaxPendingRequests answers 429).</summary>
    public int ApplierNice { get; set; } = 10;

    /// <summary>Applied log records older than this are deleted (0 keeps the log forever).</summary>
    public double LogRetentionHours { get; set; } = 24;

    /// <summary>The <c>limit</c> used when a members query names none, and the largest allowed.</summary>
    public int DefaultPageSize { get; set; } = 100;
    public int MaxPageSize { get; set; } = 1000;

    /// <summary>Adds <c>POST /bench/parse-only</c> (reads and parses, stores nothing) for the HTTP ceiling of the benchmark.</summary>
    public bool EnableParseOnlyEndpoint { get; set; }
}

/// <summary>Settings of section <c>Auth</c>.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary><c>iss</c> of the tokens this app issues at /oauth2/token.</summary>
    public string Issuer { get; set; } = "urn:destinationkit:ingestion";

    /// <summary><c>aud</c> of the tokens this app issues, and the audience it requires of them.</summary>
    public string Audience { get; set; } = "destinationkit-ingestion";

    /// <summary>Lifetime of issued access tokens (AEP wants at least 24 h).</summary>
    public int TokenLifetimeSeconds { get; set; } = 86_400;

    /// <summary>Clock skew tolerated when checking exp and nbf.</summary>
    public int ClockSkewSeconds { get; set; } = 60;

    /// <summary>Name of the claim carrying the tenant id in the tokens this app issues.</summary>
    public string TenantClaim { get; set; } = "tenant";

    /// <summary>Set to false to turn the token endpoint off (API keys and external tokens still work).</summary>
    public bool EnableTokenEndpoint { get; set; } = true;

    /// <summary>Seconds an API key lookup is cached (a key revoked by another process stops working within this time).</summary>
    public int KeyCacheSeconds { get; set; } = 10;

    /// <summary>Base URL published in /.well-known/openid-configuration (default: the URL of the request).</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>The request header the caller's credential (<c>Bearer</c>, or <c>Basic</c> at the token endpoint) is read
    /// from. Behind Google API Gateway it is <c>X-Forwarded-Authorization</c>: the gateway replaces <c>Authorization</c>
    /// with its own identity token for Cloud Run and moves the caller's header there.</summary>
    public string CredentialHeader { get; set; } = "Authorization";

    /// <summary>
    /// Failed attempts at a secret (API key, client secret, admin key) one client address may make within
    /// <see cref="FailedAuthWindowSeconds"/>; past it, secrets from there that have not worked before answer 429 with
    /// Retry-After, unchecked, until the window ends (<see cref="Auth.FailedAuthLimiter"/>). 0 turns the limit off.
    /// </summary>
    public int FailedAuthLimit { get; set; } = 20;

    public int FailedAuthWindowSeconds { get; set; } = 60;

    public ExternalIssuerOptions External { get; set; } = new();
}

/// <summary>Settings of section <c>Auth:External</c>: trust tokens of another issuer, checked with its JWKS.</summary>
public sealed class ExternalIssuerOptions
{
    /// <summary>The issuer's tokens carry <see cref="Audience"/> and name their tenant in <see cref="TenantClaim"/>.</summary>
    public const string TenantClaimKind = "tenant-claim";

    /// <summary>Amazon Cognito's client-credentials access tokens: no <c>aud</c> and no tenant claim, but
    /// <c>token_use: access</c> and the app client's <c>client_id</c>, whose tenant the provisioned credentials name.</summary>
    public const string CognitoKind = "cognito";

    public string? Issuer { get; set; }
    public string? Audience { get; set; }
    public string? JwksUrl { get; set; }
    public string TenantClaim { get; set; } = "tenant";
    public string[] Algorithms { get; set; } = ["RS256", "ES256"];
    public int JwksRefreshMinutes { get; set; } = 10;

    /// <summary>How a token names its tenant: <see cref="TenantClaimKind"/> or <see cref="CognitoKind"/>.</summary>
    public string Kind { get; set; } = TenantClaimKind;

    public bool Enabled => !string.IsNullOrWhiteSpace(Issuer) && !string.IsNullOrWhiteSpace(JwksUrl);

    public bool IsCognito => string.Equals(Kind, CognitoKind, StringComparison.OrdinalIgnoreCase);

    /// <summary>Refuses a kind the app does not know, and Cognito without an issuer to trust (its tokens would all be refused).</summary>
    public void Validate()
    {
        if (!IsCognito && !string.Equals(Kind, TenantClaimKind, StringComparison.OrdinalIgnoreCase))
            throw new Infrastructure.SettingsException($"Auth:External:Kind: got \"{Kind}\"; expected {TenantClaimKind} (the token carries "
                + $"Auth:External:Audience and its tenant in the claim Auth:External:TenantClaim) or {CognitoKind} (Amazon Cognito access tokens: "
                + "the tenant is the one the provisioned credentials list the token's client_id under, as a client without a secret)");
        if (IsCognito && !Enabled)
            throw new Infrastructure.SettingsException($"Auth:External:Kind is {CognitoKind}, but Auth:External:Issuer and Auth:External:JwksUrl are not both set: "
                + "set them to the user pool's issuer (https://cognito-idp.<region>.amazonaws.com/<pool id>) and its /.well-known/jwks.json");
    }
}

/// <summary>Settings of section <c>Admin</c>.</summary>
public sealed class AdminOptions
{
    public const string Section = "Admin";

    /// <summary>Bearer key guarding /admin/*; when empty the admin endpoints answer 401 (use the CLI instead).</summary>
    public string? ApiKey { get; set; }
}
