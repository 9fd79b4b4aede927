using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace DestinationKit.Ingestion.Tests.Provisioned;

/// <summary>An issuer's JWKS on 127.0.0.1, as a Cognito user pool publishes it at
/// <c>https://cognito-idp.&lt;region&gt;.amazonaws.com/&lt;pool id&gt;/.well-known/jwks.json</c>: RSA keys with kid, alg RS256, use sig.</summary>
public sealed class JwksStub : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _fetches;

    private JwksStub(WebApplication app) => _app = app;

    public Uri JwksUrl { get; private set; } = new("http://127.0.0.1:1");

    public int Fetches => Volatile.Read(ref _fetches);

    public static async Task<JwksStub> StartAsync(IEnumerable<RsaSecurityKey> keys)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var stub = new JwksStub(app);
        var json = JsonSerializer.Serialize(new
        {
            keys = keys.Select(k =>
            {
                var p = k.Rsa.ExportParameters(false);
                return new { alg = "RS256", e = Base64UrlEncoder.Encode(p.Exponent), kid = k.KeyId, kty = "RSA", n = Base64UrlEncoder.Encode(p.Modulus), use = "sig" };
            }),
        });
        app.MapGet("/.well-known/jwks.json", () =>
        {
            Interlocked.Increment(ref stub._fetches);
            return Results.Text(json, "application/json");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        stub.JwksUrl = new Uri(new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal)), "/.well-known/jwks.json");
        return stub;
    }

    /// <summary>A new RSA 2048 key with a kid, as Cognito's.</summary>
    public static RsaSecurityKey NewKey() => new(RSA.Create(2048)) { KeyId = Guid.NewGuid().ToString("N") };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
