using System.Net;
using DestinationKit.Ingestion.Infrastructure;

namespace DestinationKit.Ingestion.Tests;

/// <summary>With <c>Gateway:SharedSecret</c> (App Service behind API Management), only requests carrying the gateway's
/// secret header reach the app; the health routes stay open for the platform's probes.</summary>
public sealed class GatewayOriginTests : IDisposable
{
    private const string Secret = "gateway-secret-0123456789abcdefghijklmnop";

    private readonly TestApp _app = new() { Settings = { ["Gateway:SharedSecret"] = Secret } };

    public void Dispose() => _app.Dispose();

    private HttpClient ClientWithHeader(string? value, string tenant = "acme")
    {
        var client = _app.ClientFor(tenant);
        if (value is not null) client.DefaultRequestHeaders.Add(GatewayOptions.DefaultHeaderName, value);
        return client;
    }

    [Fact]
    public async Task A_request_with_the_gateways_secret_is_served()
    {
        var response = await ClientWithHeader(Secret).PostAsync("/v1/profiles", Json.Profiles(Json.Profile("e", "through-gateway")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("gateway-secret-0123456789abcdefghijklmnoq")]
    [InlineData("gateway-secret")]
    public async Task A_request_without_the_secret_is_refused_before_auth_and_storage(string? header)
    {
        var response = await ClientWithHeader(header).PostAsync("/v1/profiles", Json.Profiles(Json.Profile("e", "direct")));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain(Secret, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0L, _app.Store.GetFreshness().DurableSequence);
    }

    [Fact]
    public async Task The_token_endpoint_and_discovery_are_refused_without_the_secret_too()
    {
        var client = _app.CreateClient();

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/.well-known/openid-configuration")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync("/oauth2/token", new FormUrlEncodedContent([]))).StatusCode);
    }

    [Fact]
    public async Task Health_routes_answer_without_the_secret()
    {
        var client = _app.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task Without_the_setting_every_request_is_served_as_before()
    {
        using var app = new TestApp();

        var response = await app.ClientFor("acme").PostAsync("/v1/profiles", Json.Profiles(Json.Profile("e", "no-gateway")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
