using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DestinationKit.Ingestion.Auth;
using Microsoft.IdentityModel.JsonWebTokens;

namespace DestinationKit.Ingestion.Tests.Provisioned;

/// <summary>The real app on Kestrel (its built dll in its own process), configured as a deployment configures it:
/// the provisioned-credentials document in <c>Auth__Provisioned__Json</c>.</summary>
public sealed class ProvisionedCredentialsTests
{
    private static readonly string AcmeKey = Documents.NewApiKey();
    private static readonly string GlobexKey = Documents.NewApiKey();
    private static readonly string AcmeSecret = Documents.NewSecret();
    private static readonly string AcmeOldSecret = Documents.NewSecret();
    private static readonly string SigningKey = Documents.NewSigningKeyPem();

    private static string Document() => Documents.Build(new Dictionary<string, Documents.TenantEntry>
    {
        ["acme"] = new([AcmeKey], [("acme-aep", AcmeSecret), ("acme-aep", AcmeOldSecret)]),
        ["globex"] = new([GlobexKey], []),
    }, SigningKey);

    private static RunningApp App(string document)
    {
        var app = new RunningApp();
        app.Environment[ProvisionedCredentialsOptions.Section.Replace(":", "__", StringComparison.Ordinal) + "__Json"] = document;
        return app;
    }

    [Fact]
    public async Task A_provisioned_key_authenticates_its_tenant_and_only_it_alongside_the_app_s_own_keys()
    {
        await using var app = App(Document());
        var localKey = (await app.CliAsync("keys", "create", "--tenant", "acme")).Trim().Split('\n')[^1].Trim();
        await app.StartAsync();
        Assert.Contains("Provisioned credentials: 2 API keys, 1 OAuth clients, 0 clients of the external issuer, signing key " + Documents.KeyId(SigningKey),
            app.Output, StringComparison.Ordinal);

        using var acme = app.Client(AcmeKey);
        using var globex = app.Client(GlobexKey);
        Assert.Equal(HttpStatusCode.OK, (await acme.PostAsync("/v1/profiles", Json.Profiles(Json.Profile("email", "ada@example.com", Json.Member("aud1", "realized", null))))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await globex.PostAsync("/v1/profiles", Json.Profiles(Json.Profile("email", "bob@example.com", Json.Member("aud2", "realized", null))))).StatusCode);
        await app.CaughtUpAsync();

        Assert.Equal(HttpStatusCode.OK, (await acme.GetAsync("/v1/profiles/email/ada@example.com")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await globex.GetAsync("/v1/profiles/email/ada@example.com")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await acme.GetAsync("/v1/profiles/email/bob@example.com")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await globex.GetAsync("/v1/profiles/email/bob@example.com")).StatusCode);
        using var local = app.Client(localKey);
        Assert.Equal(HttpStatusCode.OK, (await local.GetAsync("/v1/profiles/email/ada@example.com")).StatusCode);

        using var wrong = app.Client(Documents.NewApiKey());
        var refused = await wrong.GetAsync("/v1/profiles/email/ada@example.com");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        // A provisioned key cannot be revoked through the admin API: the deployment owns it.
        using var admin = app.Client(RunningApp.AdminKey);
        var keys = await (await admin.GetAsync("/admin/tenants/acme/keys")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(AcmeKey, keys, StringComparison.Ordinal);
        Assert.DoesNotContain(AcmeKey, app.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_provisioned_client_gets_a_token_with_either_secret_and_the_token_is_signed_with_the_provisioned_key()
    {
        await using var app = App(Document());
        await app.StartAsync();
        using var client = app.Client();

        var token = await TokenAsync(client, "acme-aep", AcmeSecret, basic: false);
        var basicToken = await TokenAsync(client, "acme-aep", AcmeOldSecret, basic: true);
        var refused = await client.PostAsync("/oauth2/token", Form("acme-aep", GlobexKey));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("invalid_client", (await refused.ReadAsync()).GetProperty("error").GetString());

        var jwt = new JsonWebToken(token);
        Assert.Equal(Documents.KeyId(SigningKey), jwt.Kid);
        Assert.Equal("acme", jwt.GetClaim("tenant").Value);
        using var acme = app.Client(token);
        Assert.Equal(HttpStatusCode.OK, (await acme.PostAsync("/v1/profiles", Json.Profiles(Json.Profile("email", "ada@example.com")))).StatusCode);
        using var viaBasic = app.Client(basicToken);
        Assert.Equal(HttpStatusCode.OK, (await viaBasic.GetAsync("/v1/audiences")).StatusCode);
    }

    [Fact]
    public async Task Two_instances_with_the_same_document_accept_each_other_s_tokens_and_publish_the_same_key()
    {
        await using var first = App(Document());
        await using var second = App(Document());
        await Task.WhenAll(first.StartAsync(), second.StartAsync());
        using var firstClient = first.Client();
        using var secondClient = second.Client();

        var fromFirst = await TokenAsync(firstClient, "acme-aep", AcmeSecret, basic: false);
        var fromSecond = await TokenAsync(secondClient, "acme-aep", AcmeSecret, basic: false);

        using var onSecond = second.Client(fromFirst);
        using var onFirst = first.Client(fromSecond);
        Assert.Equal(HttpStatusCode.OK, (await onSecond.PostAsync("/v1/profiles", Json.Profiles(Json.Profile("email", "ada@example.com")))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await onFirst.PostAsync("/v1/profiles", Json.Profiles(Json.Profile("email", "ada@example.com")))).StatusCode);
        Assert.Equal(await (await firstClient.GetAsync("/.well-known/jwks.json")).Content.ReadAsStringAsync(),
            await (await secondClient.GetAsync("/.well-known/jwks.json")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_jwks_holds_exactly_the_provisioned_key_under_its_kid()
    {
        await using var app = App(Document());
        await app.StartAsync();
        using var client = app.Client();

        var jwks = await (await client.GetAsync("/.well-known/jwks.json")).ReadAsync();

        var key = Assert.Single(jwks.GetProperty("keys").EnumerateArray());
        using var rsa = RSA.Create();
        rsa.ImportFromPem(SigningKey);
        var parameters = rsa.ExportParameters(false);
        Assert.Equal(Convert.ToBase64String(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo())).TrimEnd('=').Replace('+', '-').Replace('/', '_'),
            key.GetProperty("kid").GetString());
        Assert.Equal(Base64Url(parameters.Modulus!), key.GetProperty("n").GetString());
        Assert.Equal(Base64Url(parameters.Exponent!), key.GetProperty("e").GetString());
        Assert.Equal(("RSA", "RS256", "sig"), (key.GetProperty("kty").GetString(), key.GetProperty("alg").GetString(), key.GetProperty("use").GetString()));
        Assert.DoesNotContain("\"d\"", key.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_document_stops_the_start_with_only_what_is_wrong_no_stack_trace_and_no_secret()
    {
        var document = Document().Replace("\"version\":1", "\"version\":3", StringComparison.Ordinal).Replace(GlobexKey, "short-" + GlobexKey[..10], StringComparison.Ordinal);
        await using var app = App(document);

        var exitCode = await app.FailToStartAsync();

        Assert.Equal(1, exitCode);
        // The message and nothing else: no "Hosting failed to start" log of the host, no stack trace.
        Assert.Equal(
            [
                "The provisioned credentials (Auth:Provisioned:Json) cannot be used: 2 problems:",
                "  - version: got 3; this app reads version 1",
                "  - tenants.globex.apiKeys[0]: is 16 characters long; an API key has 32 to 128",
            ],
            Lines(app.Output));
        Assert.DoesNotContain("   at ", app.Output, StringComparison.Ordinal);
        foreach (var secret in new[] { AcmeKey, GlobexKey[..10], AcmeSecret, AcmeOldSecret, SigningKey.Split('\n')[1] })
            Assert.DoesNotContain(secret, app.Output, StringComparison.Ordinal);
    }

    /// <summary>The non-empty lines of an app's output (stdout and stderr).</summary>
    internal static string[] Lines(string output) => [.. output.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0)];

    private static async Task<string> TokenAsync(HttpClient client, string clientId, string secret, bool basic)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/token")
        {
            Content = basic ? new FormUrlEncodedContent([new("grant_type", "client_credentials")]) : Form(clientId, secret),
        };
        if (basic) request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{clientId}:{secret}")));
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.ReadAsync()).GetProperty("access_token").GetString()!;
    }

    private static FormUrlEncodedContent Form(string clientId, string secret) =>
        new([new("grant_type", "client_credentials"), new("client_id", clientId), new("client_secret", secret)]);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
