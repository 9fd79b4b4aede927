using System.Net;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DestinationKit.Ingestion.Tests.Provisioned;

/// <summary>
/// The real app on Kestrel configured as target aws with <c>oauth2.issuer: cognito</c> configures it
/// (<c>Auth:External:Kind=cognito</c>, the user pool as issuer, its JWKS, the tenants' app client ids in the
/// provisioned credentials), called with tokens shaped as Cognito's client-credentials access tokens: no <c>aud</c>, no
/// tenant claim, <c>token_use: access</c>, <c>client_id</c>. The pool's JWKS is served on 127.0.0.1.
/// </summary>
public sealed class CognitoTokenTests(CognitoTokenTests.Pool pool) : IClassFixture<CognitoTokenTests.Pool>
{
    private const string Issuer = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Ab12Cd34E";
    private const string AcmeClient = "1example23456789abcdefghij";
    private const string GlobexClient = "2example23456789abcdefghij";
    private const string Unmapped = "3example23456789abcdefghij";

    /// <summary>A client of the app (with a secret): its id is not one of the pool's.</summary>
    private const string AppClient = "initech-aep";

    /// <summary>The user pool's key and JWKS, and one app for the class: acme and globex each have a Cognito app client,
    /// initech a client of the app.</summary>
    public sealed class Pool : IAsyncLifetime
    {
        public RsaSecurityKey Key { get; } = JwksStub.NewKey();

        public RsaSecurityKey OtherKey { get; } = JwksStub.NewKey();

        public JwksStub Jwks { get; private set; } = null!;

        public RunningApp App { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Jwks = await JwksStub.StartAsync([Key]);
            App = NewApp(Documents.Build(new Dictionary<string, Documents.TenantEntry>
            {
                ["acme"] = new([], [], [AcmeClient]),
                ["globex"] = new([], [], [GlobexClient]),
                ["initech"] = new([], [(AppClient, Documents.NewSecret())]),
            }, Documents.NewSigningKeyPem()));
            await App.StartAsync();
        }

        /// <summary>The app with the variables StreamingEndpoint sets for Cognito.</summary>
        public RunningApp NewApp(string document)
        {
            var app = new RunningApp();
            app.Environment["Auth__Provisioned__Json"] = document;
            app.Environment["Auth__External__Kind"] = "cognito";
            app.Environment["Auth__External__Issuer"] = Issuer;
            app.Environment["Auth__External__JwksUrl"] = Jwks.JwksUrl.AbsoluteUri;
            app.Environment["Auth__EnableTokenEndpoint"] = "false";
            return app;
        }

        public async Task DisposeAsync()
        {
            await App.DisposeAsync();
            await Jwks.DisposeAsync();
            Key.Rsa.Dispose();
            OtherKey.Rsa.Dispose();
        }
    }


    /// <summary>A token as Cognito's token endpoint issues it to an app client (client credentials grant).</summary>
    private string Token(string? clientId = AcmeClient, string? tokenUse = "access", string issuer = Issuer, TimeSpan? expiresIn = null,
        RsaSecurityKey? key = null, IDictionary<string, object>? extra = null)
    {
        var now = DateTimeOffset.UtcNow;
        var claims = new Dictionary<string, object>
        {
            ["iss"] = issuer,
            ["version"] = 2,
            ["scope"] = "https://ingest.acme.example/profiles.write https://ingest.acme.example/audiences.write",
            ["auth_time"] = now.ToUnixTimeSeconds(),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = (now + (expiresIn ?? TimeSpan.FromHours(1))).ToUnixTimeSeconds(),
            ["jti"] = Guid.NewGuid().ToString(),
        };
        if (clientId is not null)
        {
            claims["sub"] = clientId;
            claims["client_id"] = clientId;
        }
        if (tokenUse is not null) claims["token_use"] = tokenUse;
        foreach (var (name, value) in extra ?? new Dictionary<string, object>()) claims[name] = value;
        // Cognito's access tokens carry exactly these times (no nbf).
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = new SigningCredentials(key ?? pool.Key, SecurityAlgorithms.RsaSha256),
        });
    }

    [Fact]
    public async Task A_tenant_s_cognito_access_token_writes_and_reads_that_tenant_s_data_and_no_other_s()
    {
        Assert.Contains("Provisioned credentials: 0 API keys, 1 OAuth clients, 2 clients of the external issuer", pool.App.Output, StringComparison.Ordinal);
        using var acme = pool.App.Client(Token(AcmeClient));
        using var globex = pool.App.Client(Token(GlobexClient));

        Assert.Equal(HttpStatusCode.OK, (await acme.PostAsync("/v1/profiles", Json.Profiles(Json.Profile("email", "ada@example.com", Json.Member("aud1", "realized", null))))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await globex.PostAsync("/v1/profiles", Json.Profiles(Json.Profile("email", "bob@example.com", Json.Member("aud2", "realized", null))))).StatusCode);
        await pool.App.CaughtUpAsync();

        Assert.Equal(HttpStatusCode.OK, (await acme.GetAsync("/v1/profiles/email/ada@example.com")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await globex.GetAsync("/v1/profiles/email/bob@example.com")).StatusCode);
        // Every route is scoped to the token's tenant: globex's client sees nothing of acme's, and the other way round.
        Assert.Equal(HttpStatusCode.NotFound, (await globex.GetAsync("/v1/profiles/email/ada@example.com")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await acme.GetAsync("/v1/profiles/email/bob@example.com")).StatusCode);
        var members = await (await globex.GetAsync("/v1/audiences/aud1/members")).ReadAsync();
        Assert.Empty(members.GetProperty("members").EnumerateArray());
    }

    public static TheoryData<string, string> Refused => new()
    {
        { "a client no tenant lists", "the token's client is not a client of any tenant" },
        { "a client of the app, not of the pool", "the token's client is not a client of any tenant" },
        { "no client_id", "the token's client is not a client of any tenant" },
        { "an unmapped client naming a tenant in claims", "the token's client is not a client of any tenant" },
        { "an ID token", "not an access token" },
        { "no token_use", "not an access token" },
        { "another pool as issuer", "wrong issuer" },
        { "expired", "token expired" },
        { "signed by a key not in the pool's JWKS", "unknown signing key" },
        { "signed by another key under the pool key's kid", "invalid signature" },
        { "tampered payload", "invalid signature" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_token_that_is_not_an_access_token_of_a_tenant_s_client_from_the_pool_is_refused(string what, string reason)
    {
        var token = what switch
        {
            "a client no tenant lists" => Token(Unmapped),
            "a client of the app, not of the pool" => Token(AppClient),
            "no client_id" => Token(clientId: null),
            "an unmapped client naming a tenant in claims" => Token(Unmapped, extra: new Dictionary<string, object> { ["tenant"] = "acme", ["aud"] = "destinationkit-ingestion" }),
            // Cognito's ID tokens carry aud = the client id; the app takes access tokens only.
            "an ID token" => Token(AcmeClient, tokenUse: "id", extra: new Dictionary<string, object> { ["aud"] = AcmeClient }),
            "no token_use" => Token(AcmeClient, tokenUse: null),
            "another pool as issuer" => Token(AcmeClient, issuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other0000"),
            "expired" => Token(AcmeClient, expiresIn: TimeSpan.FromMinutes(-5)),
            "signed by a key not in the pool's JWKS" => Token(AcmeClient, key: pool.OtherKey),
            "signed by another key under the pool key's kid" => Token(AcmeClient, key: WithKid(pool.OtherKey, pool.Key.KeyId)),
            "tampered payload" => Tamper(Token(GlobexClient), Token(AcmeClient)),
            _ => throw new ArgumentOutOfRangeException(nameof(what)),
        };
        using var client = pool.App.Client(token);

        var write = await client.PostAsync("/v1/profiles", Json.Profiles(Json.Profile("email", "eve@example.com")));
        var read = await client.GetAsync("/v1/audiences");

        Assert.Equal(HttpStatusCode.Unauthorized, write.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, read.StatusCode);
        Assert.Equal($"The credential was rejected: {reason}.", (await read.ReadAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_kind_the_app_does_not_know_stops_the_start_with_only_what_is_wrong()
    {
        await using var app = pool.NewApp(Documents.Build(new Dictionary<string, Documents.TenantEntry> { ["acme"] = new([], [], [AcmeClient]) }, null));
        app.Environment["Auth__External__Kind"] = "cognitoo";

        var exitCode = await app.FailToStartAsync();

        Assert.Equal(1, exitCode);
        var line = Assert.Single(ProvisionedCredentialsTests.Lines(app.Output));
        Assert.StartsWith("Auth:External:Kind: got \"cognitoo\"; expected tenant-claim (", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", app.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_listed_client_the_app_warns_at_startup_that_it_refuses_every_token_of_the_pool()
    {
        await using var app = pool.NewApp(Documents.Build(new Dictionary<string, Documents.TenantEntry> { ["acme"] = new([Documents.NewApiKey()], []) }, null));

        await app.StartAsync();

        Assert.Contains($"Auth:External:Kind is cognito, but the provisioned credentials list no client without a secret: every token of {Issuer} is refused",
            app.Output, StringComparison.Ordinal);
        using var client = app.Client(Token(AcmeClient));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/v1/audiences")).StatusCode);
    }

    /// <summary>Another key under the pool key's kid: the app must check the signature, not trust the kid.</summary>
    private static RsaSecurityKey WithKid(RsaSecurityKey key, string kid) => new(key.Rsa) { KeyId = kid };

    /// <summary>The payload of one token with the header and signature of another.</summary>
    private static string Tamper(string payloadFrom, string signedToken)
    {
        var payload = payloadFrom.Split('.')[1];
        var parts = signedToken.Split('.');
        return $"{parts[0]}.{payload}.{parts[2]}";
    }
}
