using System.Collections.Immutable;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pulumi;
using Pulumi.Testing;
using Pulumi.Utilities;

namespace DestinationKit.Streaming.Tests;

/// <summary>What the component writes, used as a deployment uses it: the real app (its built dll, out of process) is
/// started with the component's document and the environment <see cref="AppEnvironment"/> gives it, and is called with
/// the credentials the component hands out.</summary>
public class AppDocumentTests
{
    private const string GatewayUrl = "https://gw.example.test/prod/";

    [Fact]
    public async Task The_app_accepts_each_tenant_s_generated_keys_including_a_rotation_s_previous_one_for_that_tenant_only()
    {
        var spec = Specs.Streaming("aws", Specs.ThreeTenants, ("credentialRotation", """{"acme": {"current": 2, "previous": 1}}"""));
        var credentials = await DeployAsync(AppCredentialsArgs.FromSpec(spec));
        var keys = new Dictionary<string, string>();
        foreach (var (tenant, c) in credentials.Tenants) keys[tenant] = await OutputUtilities.GetValueAsync(c.ApiKey!);
        var previous = await OutputUtilities.GetValueAsync(credentials.Tenants["acme"].SecondaryApiKey!);

        await using var app = await StartAsync(await OutputUtilities.GetValueAsync(credentials.Document), AppEnvironment.Common(spec, null));

        foreach (var (tenant, key) in keys)
        {
            using var client = app.Client(key);
            var written = await client.PostAsync("/v1/profiles", Profile($"{tenant}@example.com"));
            Assert.Equal(HttpStatusCode.OK, written.StatusCode);
        }
        await app.CaughtUpAsync();
        using var acmeWithPrevious = app.Client(previous);
        Assert.Equal(HttpStatusCode.OK, (await acmeWithPrevious.GetAsync("/v1/profiles/email/acme@example.com")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await acmeWithPrevious.GetAsync("/v1/profiles/email/globex@example.com")).StatusCode);
        using var globex = app.Client(keys["globex"]);
        Assert.Equal(HttpStatusCode.NotFound, (await globex.GetAsync("/v1/profiles/email/acme@example.com")).StatusCode);
        using var stranger = app.Client("dkp_" + new string('x', 48));
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.GetAsync("/v1/audiences")).StatusCode);
        // With API keys the app issues no tokens.
        using var anonymous = app.Client();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.PostAsync("/oauth2/token", new FormUrlEncodedContent([new("grant_type", "client_credentials")]))).StatusCode);
    }

    [Fact]
    public async Task A_generated_client_gets_a_token_signed_with_the_generated_key_issued_by_the_gateway_url()
    {
        var spec = Specs.Streaming("gcp", """["acme", "globex"]""", Specs.OAuth2, ("credentialRotation", """{"globex": {"current": 2, "previous": 1}}"""));
        var credentials = await DeployAsync(AppCredentialsArgs.FromSpec(spec, Output.Create(GatewayUrl)));
        var kid = await OutputUtilities.GetValueAsync(credentials.SigningKeyId);
        using var handedOut = JsonDocument.Parse(await OutputUtilities.GetValueAsync(credentials.CredentialsJson));
        var globexPrevious = await OutputUtilities.GetValueAsync(credentials.Tenants["globex"].SecondaryClientSecret!);

        await using var app = await StartAsync(await OutputUtilities.GetValueAsync(credentials.Document), AppEnvironment.Common(spec, Output.Create(GatewayUrl)));
        using var client = app.Client();

        foreach (var tenant in new[] { "acme", "globex" })
        {
            var entry = handedOut.RootElement.GetProperty(tenant);
            Assert.Equal("https://gw.example.test/prod/oauth2/token", entry.GetProperty("tokenUrl").GetString());
            var token = await TokenAsync(client, entry.GetProperty("clientId").GetString()!, entry.GetProperty("clientSecret").GetString()!);
            var payload = Payload(token);
            Assert.Equal(kid, Header(token).GetProperty("kid").GetString());
            Assert.Equal(("https://gw.example.test/prod", AppEnvironment.Audience, tenant),
                (payload.GetProperty("iss").GetString(), payload.GetProperty("aud").GetString(), payload.GetProperty("tenant").GetString()));
            using var withToken = app.Client(token);
            Assert.Equal(HttpStatusCode.OK, (await withToken.PostAsync("/v1/profiles", Profile($"{tenant}@example.com"))).StatusCode);
        }
        Assert.Equal("globex", Payload(await TokenAsync(client, "globex-aep", globexPrevious)).GetProperty("tenant").GetString());

        var jwks = JsonDocument.Parse(await client.GetStringAsync("/.well-known/jwks.json")).RootElement;
        Assert.Equal(kid, Assert.Single(jwks.GetProperty("keys").EnumerateArray()).GetProperty("kid").GetString());
        var discovery = JsonDocument.Parse(await client.GetStringAsync("/.well-known/openid-configuration")).RootElement;
        Assert.Equal("https://gw.example.test/prod", discovery.GetProperty("issuer").GetString());
        Assert.Equal("https://gw.example.test/prod/.well-known/jwks.json", discovery.GetProperty("jwks_uri").GetString());
    }

    [Fact]
    public async Task With_cognito_the_app_takes_each_tenant_s_access_tokens_by_the_client_ids_in_the_document()
    {
        var spec = Specs.Streaming("aws", """["acme", "globex"]""", Specs.OAuth2, ("oauth2", """{"issuer": "cognito"}"""));
        string[] clients = ["1example23456789abcdefghij", "2example23456789abcdefghij"];
        var credentials = await DeployAsync(AppCredentialsArgs.FromSpec(spec) with
        {
            ExternalClientIds = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal,
                new Dictionary<string, Input<string>> { ["acme"] = clients[0], ["globex"] = clients[1] }),
        });
        using var poolKey = RSA.Create(2048);
        // The pool's JWKS where Cognito publishes it: under the issuer, which AppEnvironment derives the URL from.
        await using var pool = await UserPool.StartAsync(poolKey, "kid-1");
        var environment = AppEnvironment.Common(spec, null).AddRange(AppEnvironment.CognitoIssuer(pool.Issuer));

        await using var app = await StartAsync(await OutputUtilities.GetValueAsync(credentials.Document), environment);

        using var acme = app.Client(pool.AccessToken(clients[0]));
        using var globex = app.Client(pool.AccessToken(clients[1]));
        Assert.Equal(HttpStatusCode.OK, (await acme.PostAsync("/v1/profiles", Profile("acme@example.com"))).StatusCode);
        await app.CaughtUpAsync();
        Assert.Equal(HttpStatusCode.OK, (await acme.GetAsync("/v1/profiles/email/acme@example.com")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await globex.GetAsync("/v1/profiles/email/acme@example.com")).StatusCode);
        using var unknown = app.Client(pool.AccessToken("3example23456789abcdefghij"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await unknown.GetAsync("/v1/audiences")).StatusCode);
        // Cognito issues the tokens: the app has no token endpoint.
        using var anonymous = app.Client();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.PostAsync("/oauth2/token", new FormUrlEncodedContent([new("grant_type", "client_credentials")]))).StatusCode);
    }

    private static async Task<AppCredentials> DeployAsync(AppCredentialsArgs args)
    {
        AppCredentials? credentials = null;
        await Deployment.TestAsync(new RecordingMocks(RandomBehaviour.Instance, TlsBehaviour.Instance),
            new TestOptions { IsPreview = false, ProjectName = Specs.Project, StackName = Specs.Stack },
            () => { credentials = new AppCredentials("app", args); });
        return credentials!;
    }

    /// <summary>The app with the environment a cloud component gives it, except what only a cloud has: its port and
    /// data folder come from the test, its sink is the local one.</summary>
    private static async Task<RunningApp> StartAsync(string document, ImmutableSortedDictionary<string, Input<string>> environment)
    {
        var app = new RunningApp();
        foreach (var (name, value) in environment.Where(v => v.Key is not ("Urls" or "Ingestion__DataDirectory" or "Ingestion__Sink")))
            app.Environment[name] = await OutputUtilities.GetValueAsync(value.ToOutput());
        app.Environment[AppEnvironment.ProvisionedJson] = document;
        await app.StartAsync();
        return app;
    }

    private static async Task<string> TokenAsync(HttpClient client, string clientId, string secret)
    {
        var response = await client.PostAsync("/oauth2/token", new FormUrlEncodedContent(
            [new("grant_type", "client_credentials"), new("client_id", clientId), new("client_secret", secret)]));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString()!;
    }

    private static StringContent Profile(string email) => new(
        $$$$"""{"schemaVersion":1,"profiles":[{"identities":{"email":["{{{{email}}}}"]},"audiences":{"ups":{"aud1":{"status":"realized"}}},"attributes":{}}]}""",
        Encoding.UTF8, "application/json");

    /// <summary>A Cognito user pool as the app sees one: its JWKS at <c>&lt;issuer&gt;/.well-known/jwks.json</c> on
    /// 127.0.0.1, and access tokens as its token endpoint issues them to an app client (RS256, <c>token_use: access</c>,
    /// <c>client_id</c>, no <c>aud</c>).</summary>
    private sealed class UserPool : IAsyncDisposable
    {
        private const string PoolId = "eu-west-1_Ab12Cd34E";
        private readonly WebApplication _server;
        private readonly RSA _key;
        private readonly string _kid;

        private UserPool(WebApplication server, RSA key, string kid, string issuer) => (_server, _key, _kid, Issuer) = (server, key, kid, issuer);

        public string Issuer { get; }

        public static async Task<UserPool> StartAsync(RSA key, string kid)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
            var server = builder.Build();
            var p = key.ExportParameters(false);
            var jwks = JsonSerializer.Serialize(new { keys = new[] { new { alg = "RS256", e = Base64Url(p.Exponent!), kid, kty = "RSA", n = Base64Url(p.Modulus!), use = "sig" } } });
            server.MapGet($"/{PoolId}/.well-known/jwks.json", () => Results.Text(jwks, "application/json"));
            await server.StartAsync();
            var address = server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new UserPool(server, key, kid, $"{address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/')}/{PoolId}");
        }

        public string AccessToken(string clientId)
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var header = JsonSerializer.SerializeToUtf8Bytes(new { kid = _kid, alg = "RS256" });
            var payload = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
            {
                ["sub"] = clientId, ["token_use"] = "access", ["scope"] = "destinationkit/ingest", ["auth_time"] = now, ["iss"] = Issuer,
                ["exp"] = now + 3600, ["iat"] = now, ["version"] = 2, ["jti"] = Guid.NewGuid().ToString(), ["client_id"] = clientId,
            });
            var signed = $"{Base64Url(header)}.{Base64Url(payload)}";
            return $"{signed}.{Base64Url(_key.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))}";
        }

        public async ValueTask DisposeAsync()
        {
            await _server.StopAsync();
            await _server.DisposeAsync();
        }

        private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private static JsonElement Header(string jwt) => Part(jwt, 0);

    private static JsonElement Payload(string jwt) => Part(jwt, 1);

    private static JsonElement Part(string jwt, int index)
    {
        var part = jwt.Split('.')[index].Replace('-', '+').Replace('_', '/');
        return JsonDocument.Parse(Convert.FromBase64String(part.PadRight(part.Length + (4 - part.Length % 4) % 4, '='))).RootElement;
    }
}
