using System.Net;

namespace DestinationKit.Ingestion.Tests;

public sealed class HealthTests(TestApp app) : IClassFixture<TestApp>
{
    [Fact]
    public async Task Live_and_ready_answer_200_without_credentials()
    {
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ready", (await ready.ReadAsync()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Ready_answers_503_once_the_store_is_stopped()
    {
        using var stopping = new TestApp();
        var client = stopping.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        await stopping.Store.StopAsync(CancellationToken.None);
        var response = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        // And writes answer 503 rather than being acknowledged.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await stopping.ClientFor("acme").PostAsync("/v1/profiles", Json.Profiles(Json.Profile("e", "x")))).StatusCode);
    }

    [Fact]
    public async Task OpenApi_document_describes_the_endpoints()
    {
        var response = await app.CreateClient().GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = (await response.ReadAsync()).GetProperty("paths");
        foreach (var path in new[] { "/v1/profiles", "/v1/audiences", "/v1/audiences/{externalAudienceId}", "/v1/profiles/{namespace}/{id}", "/v1/audiences/{audienceId}/members", "/oauth2/token", "/health/ready" })
        {
            Assert.True(paths.TryGetProperty(path, out _), path);
        }
    }

    [Fact]
    public async Task Unknown_routes_answer_404_problems()
    {
        var response = await app.CreateClient().GetAsync("/nope");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
