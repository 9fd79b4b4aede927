using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DestinationKit.Ingestion.Tests;

public sealed class AuthTests(TestApp app) : IClassFixture<TestApp>
{
    private const string Issuer = "urn:destinationkit:ingestion";
    private const string Audience = "destinationkit-ingestion";

    private static StringContent OneProfile(string id = "auth") => Json.Profiles(Json.Profile("e", id, "{}", """{"k":"v"}"""));

    private async Task<HttpStatusCode> PostWithAsync(string credential) =>
        (await app.ClientWithBearer(credential).PostAsync("/v1/profiles", OneProfile())).StatusCode;

    private string Mint(Action<SecurityTokenDescriptor>? change = null, SigningCredentials? signing = null, string tenant = "acme")
    {
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddHours(1),
            Claims = new Dictionary<string, object> { ["tenant"] = tenant, ["sub"] = "test" },
            SigningCredentials = signing ?? new SigningCredentials(app.Tokens.ActiveKey, SecurityAlgorithms.RsaSha256),
        };
        change?.Invoke(descriptor);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    private static string B64(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));

    private async Task<(string Id, string Secret)> NewClientAsync(string tenant)
    {
        var s = app.Credentials.CreateClient(tenant);
        await Task.CompletedTask;
        return (s.Id, s.Secret);
    }

    // ------------------------------------------------------------ token endpoint

    [Fact]
    public async Task Token_endpoint_accepts_the_secret_in_the_form_body()
    {
        var (id, secret) = await NewClientAsync("acme");
        var response = await app.CreateClient().PostAsync("/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = id, ["client_secret"] = secret,
        }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadAsync();
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.Equal(86400, body.GetProperty("expires_in").GetInt32());
        var token = body.GetProperty("access_token").GetString()!;
        var jwt = new JsonWebToken(token);
        Assert.Equal("RS256", jwt.Alg);
        Assert.Equal(Issuer, jwt.Issuer);
        Assert.Equal("acme", jwt.GetClaim("tenant").Value);
        Assert.Equal(86400, (jwt.ValidTo - jwt.IssuedAt).TotalSeconds, 1);
        Assert.Equal(HttpStatusCode.OK, await PostWithAsync(token));
    }

    [Fact]
    public async Task Token_endpoint_accepts_http_basic_and_the_token_writes_to_the_clients_tenant()
    {
        var (id, secret) = await NewClientAsync("basic-tenant");
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{id}:{secret}")));
        var response = await client.PostAsync("/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = (await response.ReadAsync()).GetProperty("access_token").GetString()!;

        Assert.Equal(HttpStatusCode.OK, (await app.ClientWithBearer(token).PostAsync("/v1/profiles", OneProfile("via-token"))).StatusCode);
        await app.CaughtUpAsync();
        Assert.Equal(HttpStatusCode.OK, (await app.ClientFor("basic-tenant").GetAsync("/v1/profiles/e/via-token")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.ClientFor("acme").GetAsync("/v1/profiles/e/via-token")).StatusCode);
    }

    public static TheoryData<string, int, string> BadTokenRequests => new()
    {
        { "grant_type=client_credentials&client_id={id}&client_secret=wrong", 401, "invalid_client" },
        { "grant_type=client_credentials&client_id=dkc_unknown&client_secret={secret}", 401, "invalid_client" },
        { "grant_type=client_credentials&client_id={id}", 401, "invalid_client" },
        { "client_id={id}&client_secret={secret}", 400, "invalid_request" },
        { "grant_type=password&client_id={id}&client_secret={secret}", 400, "unsupported_grant_type" },
    };

    [Theory]
    [MemberData(nameof(BadTokenRequests))]
    public async Task Bad_token_requests_answer_rfc6749_errors_as_problems(string form, int status, string error)
    {
        var (id, secret) = await NewClientAsync("acme");
        var content = new StringContent(form.Replace("{id}", id, StringComparison.Ordinal).Replace("{secret}", secret, StringComparison.Ordinal),
            Encoding.UTF8, "application/x-www-form-urlencoded");
        var response = await app.CreateClient().PostAsync("/oauth2/token", content);
        Assert.Equal(status, (int)response.StatusCode);
        var body = await response.ReadAsync();
        Assert.Equal(error, body.GetProperty("error").GetString());
        Assert.Equal(status, body.GetProperty("status").GetInt32());
        Assert.DoesNotContain(secret, body.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_endpoint_wants_a_form()
    {
        var response = await app.CreateClient().PostAsync("/oauth2/token", Json.Body("""{"grant_type":"client_credentials"}"""));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task A_revoked_client_gets_no_token()
    {
        var (id, secret) = await NewClientAsync("acme");
        Assert.True(app.Credentials.RevokeClient("acme", id));
        var response = await app.CreateClient().PostAsync("/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = id, ["client_secret"] = secret,
        }));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    // ------------------------------------------------------------ JWT validation

    [Fact]
    public async Task A_well_formed_token_is_accepted() => Assert.Equal(HttpStatusCode.OK, await PostWithAsync(Mint()));

    [Fact]
    public async Task Expired_token_is_rejected() =>
        Assert.Equal(HttpStatusCode.Unauthorized, await PostWithAsync(Mint(d =>
        {
            d.IssuedAt = DateTime.UtcNow.AddHours(-3);
            d.NotBefore = DateTime.UtcNow.AddHours(-3);
            d.Expires = DateTime.UtcNow.AddHours(-1);
        })));

    [Fact]
    public async Task Not_yet_valid_token_is_rejected() =>
        Assert.Equal(HttpStatusCode.Unauthorized, await PostWithAsync(Mint(d =>
        {
            d.NotBefore = DateTime.UtcNow.AddHours(1);
            d.Expires = DateTime.UtcNow.AddHours(2);
        })));

    [Fact]
    public async Task Wrong_issuer_is_rejected() =>
        Assert.Equal(HttpStatusCode.Unauthorized, await PostWithAsync(Mint(d => d.Issuer = "https://evil.example")));

    [Fact]
    public async Task Wrong_audience_is_rejected() =>
        Assert.Equal(HttpStatusCode.Unauthorized, await PostWithAsync(Mint(d => d.Audience = "someone-else")));

    [Fact]
    public async Task Token_without_expiry_is_rejected() =>
        Assert.Equal(HttpStatusCode.Unauthorized, await PostWithAsync(Mint(d =>
        {
            d.Expires = null;
            Assert.DoesNotContain("\"exp\"", Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }
                .CreateToken(new SecurityTokenDescriptor { Claims = d.Claims, Issuer = d.Issuer, SigningCredentials = d.SigningCredentials }).Split('.')[1])), StringComparison.Ordinal);
        })));

    [Fact]
    public async Task Token_without_tenant_is_rejected() =>
        Assert.Equal(HttpStatusCode.Unauthorized, await PostWithAsync(Mint(d => d.Claims.Remove("tenant"))));

    [Fact]
    public async Task Token_signed_with_another_key_is_rejected()
    {
        using var rsa = RSA.Create(2048);
        var impostor = new RsaSecurityKey(rsa) { KeyId = app.Tokens.ActiveKey.KeyId }; // same kid, different key
        Assert.Equal(HttpStatusCode.Unauthorized, await PostWithAsync(Mint(signing: new SigningCredentials(impostor, SecurityAlgorithms.RsaSha256))));
    }

    [Fact]
    public async Task Alg_none_is_rejected()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var payload = $$"""{"iss":"{{Issuer}}","aud":"{{Audience}}","tenant":"acme","iat":{{now}},"nbf":{{now}},"exp":{{now + 3600}}}""";
        var token = B64("""{"alg":"none","typ":"JWT"}""") + "." + B64(payload) + ".";
        Assert.Equal(HttpStatusCode.Unauthorized, await PostWithAsync(token));
    }

    [Fact]
    public async Task Hs256_signed_with_the_public_key_is_rejected()
    {
        // Algorithm confusion: HMAC keyed with the public key a gateway can download from the JWKS.
        var jwks = await app.CreateClient().GetStringAsync("/.well-known/jwks.json");
        var publicKey = Encoding.UTF8.GetBytes(jwks);
        var hmac = new SymmetricSecurityKey(SHA256.HashData(publicKey)) { KeyId = app.Tokens.ActiveKey.KeyId };
        Assert.Equal(HttpStatusCode.Unauthorized, await PostWithAsync(Mint(signing: new SigningCredentials(hmac, SecurityAlgorithms.HmacSha256))));
        var modulus = new SymmetricSecurityKey(app.Tokens.ActiveKey.Rsa.ExportParameters(false).Modulus) { KeyId = app.Tokens.ActiveKey.KeyId };
        Assert.Equal(HttpStatusCode.Unauthorized, await PostWithAsync(Mint(signing: new SigningCredentials(modulus, SecurityAlgorithms.HmacSha256))));
    }

    [Fact]
    public async Task Tampered_token_is_rejected()
    {
        var parts = Mint(tenant: "acme").Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("\"acme\"", "\"other\"", StringComparison.Ordinal);
        var tampered = parts[0] + "." + B64(payload) + "." + parts[2];
        Assert.Equal(HttpStatusCode.Unauthorized, await PostWithAsync(tampered));
        var flipped = parts[0] + "." + parts[1] + "." + (parts[2][0] == 'A' ? 'B' : 'A') + parts[2][1..];
        Assert.Equal(HttpStatusCode.Unauthorized, await PostWithAsync(flipped));
    }

    [Fact]
    public async Task Gateways_can_validate_issued_tokens_with_the_published_keys()
    {
        var client = app.CreateClient();
        var config = await client.GetFromJsonAsync<JsonElement>("/.well-known/openid-configuration");
        Assert.Equal(Issuer, config.GetProperty("issuer").GetString());
        Assert.EndsWith("/oauth2/token", config.GetProperty("token_endpoint").GetString(), StringComparison.Ordinal);
        var jwksUri = new Uri(config.GetProperty("jwks_uri").GetString()!);
        var jwks = new JsonWebKeySet(await client.GetStringAsync(jwksUri.PathAndQuery));
        Assert.DoesNotContain("\"d\"", await client.GetStringAsync(jwksUri.PathAndQuery), StringComparison.Ordinal); // no private part

        var (id, secret) = await NewClientAsync("acme");
        var token = (await (await client.PostAsync("/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = id, ["client_secret"] = secret,
        }))).ReadAsync()).GetProperty("access_token").GetString();
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = Audience,
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
        });
        Assert.True(result.IsValid);
    }

    // ------------------------------------------------------------ API keys: rotation, admin

    private async Task<(string Id, string Key)> AdminCreateKeyAsync(string tenant)
    {
        var admin = app.ClientWithBearer(TestApp.AdminKey);
        var response = await admin.PostAsync($"/admin/tenants/{tenant}/keys", null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.ReadAsync();
        return (body.GetProperty("id").GetString()!, body.GetProperty("secret").GetString()!);
    }

    [Fact]
    public async Task Key_rotation_old_and_new_both_valid_then_old_revoked()
    {
        var (oldId, oldKey) = await AdminCreateKeyAsync("rotating");
        var (newId, newKey) = await AdminCreateKeyAsync("rotating");
        Assert.NotEqual(oldId, newId);
        Assert.Equal(HttpStatusCode.OK, await PostWithAsync(oldKey));
        Assert.Equal(HttpStatusCode.OK, await PostWithAsync(newKey));

        var admin = app.ClientWithBearer(TestApp.AdminKey);
        var keys = await (await admin.GetAsync("/admin/tenants/rotating/keys")).ReadAsync();
        Assert.Equal(2, keys.GetArrayLength());
        Assert.DoesNotContain(oldKey[16..], keys.GetRawText(), StringComparison.Ordinal); // secrets are not listed

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/admin/tenants/rotating/keys/{oldId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await PostWithAsync(oldKey));
        Assert.Equal(HttpStatusCode.OK, await PostWithAsync(newKey));
    }

    [Fact]
    public async Task A_key_cannot_be_revoked_through_another_tenant()
    {
        var (id, key) = await AdminCreateKeyAsync("owner");
        var admin = app.ClientWithBearer(TestApp.AdminKey);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/admin/tenants/intruder/keys/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, await PostWithAsync(key));
    }

    [Fact]
    public async Task A_key_with_a_wrong_secret_part_is_rejected()
    {
        var key = app.Credentials.CreateApiKey("acme").Secret;
        var wrong = key[..^1] + (key[^1] == 'a' ? 'b' : 'a');
        Assert.Equal(HttpStatusCode.Unauthorized, await PostWithAsync(wrong));
    }

    [Fact]
    public async Task Keys_are_stored_hashed()
    {
        using var own = new TestApp();
        var key = own.Credentials.CreateApiKey("hashed").Secret;
        var bytes = await File.ReadAllBytesAsync(Path.Combine(own.DataDirectory, "state.db"));
        var text = Encoding.ASCII.GetString(bytes);
        var wal = Path.Combine(own.DataDirectory, "state.db-wal");
        if (File.Exists(wal))
        {
            text += Encoding.ASCII.GetString(await File.ReadAllBytesAsync(wal));
        }
        Assert.DoesNotContain(key[16..], text, StringComparison.Ordinal);
        Assert.Contains(key.Substring(3, 12), text, StringComparison.Ordinal); // the public key id is there
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-admin-key")]
    public async Task Admin_api_needs_the_admin_key(string? credential)
    {
        var client = credential is null ? app.CreateClient() : app.ClientWithBearer(credential);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/admin/tenants/acme/keys", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/admin/tenants/acme/clients", null)).StatusCode);
        // A tenant's own key is not an admin key.
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.ClientFor("acme").GetAsync("/admin/tenants/acme/keys")).StatusCode);
    }

    [Fact]
    public async Task Admin_api_validates_the_tenant_id()
    {
        var response = await app.ClientWithBearer(TestApp.AdminKey).PostAsync("/admin/tenants/Not%20Valid/keys", null);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Admin_creates_and_revokes_oauth_clients()
    {
        var admin = app.ClientWithBearer(TestApp.AdminKey);
        var created = await (await admin.PostAsync("/admin/tenants/acme/clients?label=aep", null)).ReadAsync();
        var id = created.GetProperty("id").GetString()!;
        var secret = created.GetProperty("secret").GetString()!;
        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = id, ["client_secret"] = secret };
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().PostAsync("/oauth2/token", new FormUrlEncodedContent(form))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/admin/tenants/acme/clients/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().PostAsync("/oauth2/token", new FormUrlEncodedContent(form))).StatusCode);
    }
}

/// <summary>Tokens of an external issuer, checked against its JWKS (served here by a stub handler).</summary>
public sealed class ExternalIssuerTests : IDisposable
{
    private readonly ECDsa _ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly TestApp _app;
    private int _jwksFetches;

    public ExternalIssuerTests()
    {
        var p = _ec.ExportParameters(false);
        var jwks = $$"""{"keys":[{"kty":"EC","crv":"P-256","kid":"ext-1","use":"sig","alg":"ES256","x":"{{Base64UrlEncoder.Encode(p.Q.X)}}","y":"{{Base64UrlEncoder.Encode(p.Q.Y)}}"}]}""";
        _app = new TestApp
        {
            TestServices = s => s.AddHttpClient("jwks").ConfigurePrimaryHttpMessageHandler(() => new StubHandler(jwks, () => Interlocked.Increment(ref _jwksFetches))),
        };
        _app.Settings["Auth:External:Issuer"] = "https://idp.example";
        _app.Settings["Auth:External:Audience"] = "ingest-api";
        _app.Settings["Auth:External:JwksUrl"] = "https://idp.example/.well-known/jwks.json";
        _app.Settings["Auth:External:TenantClaim"] = "org";
    }

    public void Dispose()
    {
        _app.Dispose();
        _ec.Dispose();
    }

    private string Mint(string audience = "ingest-api", ECDsa? key = null, string claim = "org", string? kid = "ext-1")
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "https://idp.example",
            Audience = audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(10),
            Claims = new Dictionary<string, object> { [claim] = "ext-tenant" },
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(key ?? _ec) { KeyId = kid }, SecurityAlgorithms.EcdsaSha256),
        });
    }

    private async Task<HttpStatusCode> PostAsync(string token) =>
        (await _app.ClientWithBearer(token).PostAsync("/v1/profiles", Json.Profiles(Json.Profile("e", "x", "{}", """{"k":"v"}""")))).StatusCode;

    [Fact]
    public async Task External_tokens_are_validated_with_the_issuers_jwks_and_carry_the_tenant()
    {
        Assert.Equal(HttpStatusCode.OK, await PostAsync(Mint()));
        await _app.CaughtUpAsync();
        Assert.Equal(HttpStatusCode.OK, (await _app.ClientFor("ext-tenant").GetAsync("/v1/profiles/e/x")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, await PostAsync(Mint()));
        Assert.Equal(1, _jwksFetches); // cached
    }

    [Fact]
    public async Task External_tokens_without_a_kid_are_checked_against_the_issuers_keys()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.Equal(HttpStatusCode.OK, await PostAsync(Mint(kid: null)));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(Mint(kid: null, key: other)));
    }

    [Fact]
    public async Task External_tokens_with_wrong_audience_key_or_claim_are_rejected()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(Mint(audience: "destinationkit-ingestion")));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(Mint(key: other)));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(Mint(claim: "tenant")));
    }

    [Fact]
    public async Task The_apps_own_tokens_still_work_beside_the_external_issuer()
    {
        var client = _app.Credentials.CreateClient("local");
        var response = await _app.CreateClient().PostAsync("/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = client.Id, ["client_secret"] = client.Secret,
        }));
        var token = (await response.ReadAsync()).GetProperty("access_token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, await PostAsync(token));
    }

    private sealed class StubHandler(string json, Action onFetch) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            onFetch();
            Assert.Equal("https://idp.example/.well-known/jwks.json", request.RequestUri!.ToString());
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") });
        }
    }
}
